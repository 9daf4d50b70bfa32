// `sitedrop emulator`: start the emulator with the demo configuration and print what a client
// needs to reach it.

import { startGraphEmulator } from './emulator.ts';
import type { GraphEmulator } from './emulator.ts';
import {
  DEFAULT_LIBRARY_NAME,
  DEFAULT_SITE_HOSTNAME,
  DEFAULT_SITE_PATH,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  buildDefaultEmulatorOptions,
} from './options.ts';
import { CONTROL_TOKEN_HEADER } from './control-api.ts';
import { DEMO_USER_PRINCIPAL_NAME, OUTSIDER_USER_PRINCIPAL_NAME } from './entra/users.ts';

/**
 * Start the emulator with the demo configuration and print its URLs, CA file, demo credentials,
 * users, device login page and control token, one line per `print` call. The caller owns the returned emulator (close it
 * on SIGINT/SIGTERM).
 */
export async function runEmulatorFromCommandLine(
  options: { port?: number; rootDir: string; headOffice?: string },
  print: (line: string) => void,
): Promise<GraphEmulator> {
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(options.rootDir),
    port: options.port ?? 0,
    ...(options.headOffice === undefined ? {} : { headOffice: { directory: options.headOffice } }),
  });
  print(`Graph emulator listening on ${emulator.authorityHost}`);
  print(`  Graph base URL:  ${emulator.graphBaseUrl}`);
  print(`  Authority:       ${emulator.authorityHost}/${DEMO_TENANT_ID}`);
  print(
    `  CA certificate:  ${emulator.caFile}  (trust it, e.g. NODE_EXTRA_CA_CERTS=${emulator.caFile})`,
  );
  print(`  Tenant id:       ${DEMO_TENANT_ID}`);
  print(`  Client id:       ${DEMO_CLIENT_ID}`);
  print(`  Client secret:   ${DEMO_CLIENT_SECRET}`);
  print(
    `  Users:           ${DEMO_USER_PRINCIPAL_NAME} (every site), ${OUTSIDER_USER_PRINCIPAL_NAME} (no site)`,
  );
  print(`  Device login:    ${emulator.authorityHost}/devicelogin`);
  print(
    `  Site:            https://${DEFAULT_SITE_HOSTNAME}${DEFAULT_SITE_PATH}, library "${DEFAULT_LIBRARY_NAME}"`,
  );
  print(`  Files:           ${emulator.rootDir}/<library>/<path>`);
  if (emulator.headOffice) {
    const { directory, drivePath } = emulator.headOffice;
    print(
      `  Head office:     ${directory}  (a file copied here appears in "${DEFAULT_LIBRARY_NAME}" under ${drivePath}/)`,
    );
  }
  print(
    `  Control API:     ${emulator.authorityHost}/_emulator/ with header ${CONTROL_TOKEN_HEADER}: ${emulator.controlToken}`,
  );
  return emulator;
}
