// The Graph emulator's public surface: a local HTTPS stand-in for Entra ID's token endpoint and
// the SharePoint parts of Microsoft Graph, with fault injection. It owns its rootDir's files and
// its CA file; it knows nothing of SiteDrop's agent. See docs/graph-emulator.md.

export { startGraphEmulator } from './emulator.ts';
export type { GraphEmulator } from './emulator.ts';
export { runEmulatorFromCommandLine } from './command-line.ts';
export { generateCertificates } from './certificates.ts';
export type { EmulatorCertificates } from './certificates.ts';
export {
  DEFAULT_LIBRARY_NAME,
  DEFAULT_SITE_HOSTNAME,
  DEFAULT_SITE_PATH,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  buildDefaultEmulatorOptions,
} from './options.ts';
export type {
  EmulatorClientOptions,
  EmulatorHostNames,
  EmulatorLibraryOptions,
  EmulatorSiteOptions,
  EmulatorThrottleOptions,
  EmulatorTlsOptions,
  GraphEmulatorOptions,
} from './options.ts';
export {
  DEMO_USER_DISPLAY_NAME,
  DEMO_USER_PRINCIPAL_NAME,
  OUTSIDER_USER_PRINCIPAL_NAME,
} from './entra/users.ts';
export type { EmulatorUserOptions } from './entra/users.ts';
export type { EmulatorSignInOptions } from './entra/sign-in-state.ts';
export type { EntraControl, EmulatorUserInfo } from './entra/entra-control.ts';
export { FaultController, faultRuleFromJson } from './faults.ts';
export type { FaultRule, FaultRuleState } from './faults.ts';
export { MissingHashes } from './missing-hashes.ts';
export type { MissingHashRule } from './missing-hashes.ts';
export type { RequestRecord } from './request-log.ts';
export { RemoteFiles } from './head-office/remote-files.ts';
export type { RemotePath, RemotePutResult } from './head-office/remote-files.ts';
export type { ResyncCode } from './delta/change-log.ts';
export type { HeadOfficeFolder, HeadOfficeOptions } from './head-office/drop-folder.ts';
export { CONTROL_TOKEN_HEADER } from './control-api.ts';
export {
  FRAGMENT_MULTIPLE_BYTES,
  MAX_FRAGMENT_BYTES,
  UPLOAD_PATH_PREFIX,
} from './upload-sessions.ts';
export { MAX_SIMPLE_UPLOAD_BYTES } from './graph-api.ts';
