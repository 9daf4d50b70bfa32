// A delegated access token for a test, obtained the way a headless client does: the device code
// grant, approved with a plain form POST to the emulator's /devicelogin.

import { DEMO_CLIENT_ID } from '../../../../tools/graph-emulator/index.ts';
import type { TestEmulator } from './emulator-client.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Sign `userPrincipalName` in to `clientId` with `scope` (default SiteDrop's); the access token. */
export async function delegatedToken(
  test: TestEmulator,
  userPrincipalName: string,
  scope = 'Files.ReadWrite.All Sites.ReadWrite.All openid profile offline_access',
  clientId = DEMO_CLIENT_ID,
): Promise<string> {
  const authority = `${test.emulator.authorityHost}/organizations/oauth2/v2.0`;
  const device = (
    await test.call(`${authority}/devicecode`, {
      method: 'POST',
      auth: false,
      headers: FORM,
      body: new URLSearchParams({ client_id: clientId, scope }).toString(),
    })
  ).json<{ user_code: string; device_code: string; verification_uri: string }>();
  const approval = await test.call(device.verification_uri, {
    method: 'POST',
    auth: false,
    headers: FORM,
    body: new URLSearchParams({
      user_code: device.user_code,
      action: 'approve',
      user: userPrincipalName,
    }).toString(),
  });
  if (approval.status !== 200) throw new Error(`device login refused: ${approval.text}`);
  const token = await test.call(`${authority}/token`, {
    method: 'POST',
    auth: false,
    headers: FORM,
    body: new URLSearchParams({
      client_id: clientId,
      grant_type: 'device_code',
      device_code: device.device_code,
    }).toString(),
  });
  return token.json<{ access_token: string }>().access_token;
}
