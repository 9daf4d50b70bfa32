/**
 * A bench child: the Graph emulator (tools/graph-emulator) in its own process, with the demo
 * site, library and app registration, and the latency and throttling a figure asks for. The
 * driver reads its request log (times from performance.timeOrigin + performance.now()).
 */
import {
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type EmulatorThrottleOptions,
} from '../../tools/graph-emulator/index.ts';
import { readChildArguments, readMemory, serveParent } from '../lib/serve-parent.ts';

/** What the driver passes to the emulator process. */
export interface EmulatorProcessArguments {
  rootDir: string;
  caFile: string;
  latencyMs?: number;
  throttle?: EmulatorThrottleOptions;
}

/** How to reach the emulator. */
export interface EmulatorInfo {
  graphBaseUrl: string;
  authorityHost: string;
  caFile: string;
  caCertificatePem: string;
  rootDir: string;
}

const options = readChildArguments<EmulatorProcessArguments>();
const emulator = await startGraphEmulator({
  ...buildDefaultEmulatorOptions(options.rootDir),
  caFile: options.caFile,
  ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  ...(options.throttle ? { throttle: options.throttle } : {}),
});

serveParent({
  info: (): EmulatorInfo => ({
    graphBaseUrl: emulator.graphBaseUrl,
    authorityHost: emulator.authorityHost,
    caFile: emulator.caFile,
    caCertificatePem: emulator.caCertificatePem,
    rootDir: emulator.rootDir,
  }),
  requests: () => emulator.requestLog,
  /** Head office puts a file (copied from `sourceFile`) at `remotePath`; returns its item id. */
  putFile: async (args) => {
    const { remotePath, sourceFile } = args as { remotePath: string; sourceFile: string };
    const { item } = await emulator.remote.putFile({ path: remotePath }, { sourceFile });
    return item.id;
  },
  memory: () => readMemory(),
  cpu: () => process.cpuUsage(),
  close: () => emulator.close(),
});
