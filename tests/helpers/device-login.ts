import type { Agent } from '../../src/main/core/agent.ts';
import type { GraphEmulator } from '../../tools/graph-emulator/index.ts';
import { submitDeviceLogin } from '../../src/main/cli/demo-sign-in.ts';

// The demo's own form post to the emulator's /devicelogin page, so tests approve a code the way
// the demo does.
export { submitDeviceLogin } from '../../src/main/cli/demo-sign-in.ts';

/** Signs an in-process agent in with a device code that `user` approves on the emulator's page. */
export async function signInAs(
  agent: Agent,
  emulator: Pick<GraphEmulator, 'caCertificatePem'>,
  user: string,
): Promise<void> {
  const started = await agent.account.signInWithDeviceCode();
  const status = await submitDeviceLogin({
    verificationUri: started.shown.verificationUri,
    userCode: started.shown.userCode,
    caPem: emulator.caCertificatePem,
    user,
  });
  if (status !== 200) throw new Error(`the device login page answered ${status}`);
  await started.done;
}
