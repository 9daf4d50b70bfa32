/**
 * The main-process half of the IPC contract (src/shared/desktop-api.ts): the only place that
 * registers IPC handlers.
 *
 * Every call is checked before its handler runs: the sender must be the main frame of a window
 * showing the app's own origin (the agent's feed page), and the arguments must parse with the
 * operation's schema. A refused call rejects in the window with a stable code in its message.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import {
  desktopChannel,
  desktopRequestSchemas,
  type DesktopApi,
  type DesktopRequestName,
} from '../../shared/desktop-api.ts';
import type { Disposable } from '../core/lifecycle/index.ts';
import { CodedError } from '../../shared/coded-error.ts';

/** A refused IPC call; Electron passes only the message to the window, so it carries the code. */
export class IpcRefusedError extends CodedError<'ipc.foreign-sender' | 'ipc.invalid-arguments'> {
  constructor(code: IpcRefusedError['code'], message: string) {
    super(code, `${code}: ${message}`);
  }
}

/** The handlers for every operation, with the signatures the contract gives them. */
export type DesktopRequestHandlers = {
  [K in DesktopRequestName]: (...args: Parameters<DesktopApi[K]>) => ReturnType<DesktopApi[K]>;
};

/**
 * Registers one handler per operation; close() removes them all.
 *
 * @param appOrigin the only origin whose main frame may call, e.g. http://127.0.0.1:47821.
 */
export function registerDesktopRequestHandlers(
  appOrigin: string,
  handlers: DesktopRequestHandlers,
): Disposable {
  const names = Object.keys(handlers) as DesktopRequestName[];
  for (const name of names) {
    ipcMain.handle(desktopChannel(name), (event, ...args: unknown[]) => {
      checkSender(event, appOrigin, name);
      const parsed = desktopRequestSchemas[name].safeParse(args);
      if (!parsed.success) {
        const problem = parsed.error.issues[0];
        throw new IpcRefusedError(
          'ipc.invalid-arguments',
          `${name} was called with invalid arguments (${problem?.path.join('.') || 'arguments'}: ${problem?.message ?? 'invalid'}).`,
        );
      }
      const handler = handlers[name] as (...values: unknown[]) => unknown;
      return handler(...(parsed.data as unknown[]));
    });
  }
  return {
    close: () => {
      for (const name of names) ipcMain.removeHandler(desktopChannel(name));
    },
  };
}

function checkSender(event: IpcMainInvokeEvent, appOrigin: string, name: string): void {
  const frame = event.senderFrame;
  let origin: string | undefined;
  try {
    origin = frame ? new URL(frame.url).origin : undefined;
  } catch {
    origin = undefined; // an unparsable URL is as foreign as any other
  }
  if (!frame || frame.parent !== null || origin !== appOrigin) {
    throw new IpcRefusedError(
      'ipc.foreign-sender',
      `${name} may only be called by the SiteDrop window (${appOrigin}), not by ${origin ?? 'an unknown frame'}.`,
    );
  }
}
