import https from 'node:https';
import {
  DEFAULT_SITE_HOSTNAME,
  DEFAULT_SITE_PATH,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
} from '../../tools/graph-emulator/index.ts';
import type { EmulatorInfo } from '../processes/emulator-process.ts';

/** The demo app's client secret, which the agent process holds in memory. */
export const emulatorClientSecret = DEMO_CLIENT_SECRET;

/** A minimal Graph client for baselines: one keep-alive https.Agent, JSON and raw requests. */
export class BareGraphClient {
  readonly agent: https.Agent;
  readonly #info: EmulatorInfo;
  #token = '';

  constructor(info: EmulatorInfo, maxSockets: number) {
    this.#info = info;
    this.agent = new https.Agent({ keepAlive: true, maxSockets, ca: info.caCertificatePem });
  }

  /** Gets a token (client credentials) and the default library's drive id. */
  async connect(): Promise<string> {
    const token = await this.request(
      'POST',
      `${this.#info.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
      Buffer.from(
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: DEMO_CLIENT_ID,
          client_secret: DEMO_CLIENT_SECRET,
          scope: `${this.#info.authorityHost}/.default`,
        }).toString(),
      ),
      { 'content-type': 'application/x-www-form-urlencoded' },
      false,
    );
    this.#token = String(
      (JSON.parse(token.body.toString()) as { access_token: string }).access_token,
    );
    const site = await this.request(
      'GET',
      `${this.#info.graphBaseUrl}/sites/${DEFAULT_SITE_HOSTNAME}:${DEFAULT_SITE_PATH}`,
    );
    const siteId = (JSON.parse(site.body.toString()) as { id: string }).id;
    const drive = await this.request('GET', `${this.#info.graphBaseUrl}/sites/${siteId}/drive`);
    return (JSON.parse(drive.body.toString()) as { id: string }).id;
  }

  /** One request; resolves with status and body whatever the status. */
  request(
    method: string,
    url: string,
    body?: Buffer,
    headers: Record<string, string> = {},
    isAuthorized = true,
  ): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...(isAuthorized ? { authorization: `Bearer ${this.#token}` } : {}),
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
