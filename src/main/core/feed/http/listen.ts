import type http from 'node:http';
import { CodedError } from '../../../../shared/coded-error.ts';

/** The port is taken: the agent does not start, and says which port and how to fix it. */
export class FeedPortInUseError extends CodedError<'feed.port-in-use'> {
  readonly port: number;

  constructor(port: number, configPath: string) {
    super(
      'feed.port-in-use',
      `The status port ${port} on 127.0.0.1 is already in use (another SiteDrop agent, or another program). ` +
        `Set feed.port in ${configPath} to a free port (or 0 for any free port), or stop the program that uses it.`,
    );
    this.port = port;
  }
}

/**
 * Listens on 127.0.0.1 only, on `port` (0: any free port), exclusively.
 *
 * @returns the port listened on.
 * @throws FeedPortInUseError naming configPath when the port is taken.
 */
export function listenOnLoopback(
  server: http.Server,
  port: number,
  configPath: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new FeedPortInUseError(port, configPath) : error);
    };
    server.once('error', onError);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
