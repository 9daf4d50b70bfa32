// The device code flow's two ends that are not the token endpoint: POST /{tenant}/oauth2/v2.0/
// devicecode (v2-oauth2-device-code.md, "Device authorization response") and the emulator's own
// /devicelogin page, where a person — or a test's plain form POST with `user_code`,
// `action=approve|deny` and optionally `user` — completes the sign-in.

import type { EmulatorClientOptions } from '../options.ts';
import { readText, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { deviceDonePage, deviceLoginPage, sendHtml } from './pages.ts';
import { findRegistration, staticPermissions } from './registrations.ts';
import { parseScopes } from './scopes.ts';
import type { SignInState } from './sign-in-state.ts';
import type { UserDirectory } from './users.ts';

/** Path of the device login page. */
export const DEVICE_LOGIN_PATH = '/devicelogin';

/** Serves /devicecode and /devicelogin. */
export class DeviceLogin {
  readonly #clients: readonly EmulatorClientOptions[];
  readonly #users: UserDirectory;
  readonly #state: SignInState;

  constructor(options: {
    clients: readonly EmulatorClientOptions[];
    users: UserDirectory;
    state: SignInState;
  }) {
    this.#clients = options.clients;
    this.#users = options.users;
    this.#state = options.state;
  }

  /** `POST /{tenant}/oauth2/v2.0/devicecode`. */
  async startDeviceAuthorization(context: RequestContext, tenant: string): Promise<void> {
    const form = new URLSearchParams(await readText(context.body));
    const client = findRegistration(this.#clients, form.get('client_id'), tenant);
    const scopes = parseScopes(form.get('scope'), staticPermissions(client));
    const device = this.#state.startDeviceAuthorization({ tenant, client, scopes });
    const verificationUri = `${context.origin}${DEVICE_LOGIN_PATH}`;
    sendJson(context, 200, {
      user_code: device.userCode,
      device_code: device.deviceCode,
      verification_uri: verificationUri,
      expires_in: this.#state.lifetimes.deviceCodeLifetimeSeconds,
      interval: this.#state.lifetimes.deviceCodeIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${device.userCode} to authenticate.`,
    });
  }

  /** `GET /devicelogin`: the form. */
  showForm(context: RequestContext): void {
    sendHtml(context.response, 200, deviceLoginPage(DEVICE_LOGIN_PATH, this.#users.all()));
  }

  /** `POST /devicelogin`: approve or deny the device whose user code was entered. */
  async submitForm(context: RequestContext): Promise<void> {
    const form = new URLSearchParams(await readText(context.body));
    const users = this.#users.all();
    const retry = (status: number, message: string): void =>
      sendHtml(context.response, status, deviceLoginPage(DEVICE_LOGIN_PATH, users, message));
    const device = this.#state.deviceByUserCode(form.get('user_code') ?? '');
    if (!device || device.status !== 'pending' || device.expiresAtMs <= Date.now()) {
      return retry(400, "That code didn't work. Check the code and try again.");
    }
    const action = form.get('action');
    if (action === 'deny') {
      device.status = 'declined';
      return sendHtml(
        context.response,
        200,
        deviceDonePage('You have declined to sign in to the application on your device.'),
      );
    }
    if (action !== 'approve') return retry(400, 'Choose Approve or Deny.');
    const chosen = form.get('user');
    const user =
      chosen === null || chosen === ''
        ? this.#users.inTenant(device.tenant)[0]
        : this.#users.byPrincipalName(chosen);
    if (!user || !this.#users.inTenant(device.tenant).includes(user)) {
      return retry(
        400,
        `The user account ${chosen ?? ''} does not exist in the ${device.tenant} directory.`,
      );
    }
    // Approving on this page stands for the consent prompt Entra would show first.
    this.#state.recordConsent(device.client.clientId, user.objectId);
    device.status = 'approved';
    device.userObjectId = user.objectId;
    sendHtml(
      context.response,
      200,
      deviceDonePage(
        `You have signed in to the application on your device as ${user.userPrincipalName}.`,
      ),
    );
  }
}
