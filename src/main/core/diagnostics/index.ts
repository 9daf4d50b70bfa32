/**
 * Diagnostics: the bundle a person sends to IT or support when something is wrong.
 *
 * Owns: `writeDiagnosticsBundle`, a zip of the logs, the config layers with secrets removed,
 * reports such as `doctor` output, and versions, every text redacted.
 * Does not own: the checks themselves (`sitedrop doctor`) or how a person asks for a bundle
 * (the CLI's `--bundle FILE`, the desktop shell's "Export diagnostics…").
 */
export {
  writeDiagnosticsBundle,
  type DiagnosticsBundle,
  type DiagnosticsBundleOptions,
} from './diagnostics-bundle.ts';
