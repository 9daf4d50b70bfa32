/**
 * The desktop shell's IPC contract: every operation the window may ask of the Electron main
 * process, with the runtime schema of its arguments, typed once so the two sides cannot drift
 * (after GitHub Desktop's app/src/lib/ipc-shared.ts).
 *
 * The preload exposes exactly these operations as `window.sitedrop` (one function each, never
 * ipcRenderer itself); the main process validates the sender and the arguments of every call.
 * Everything else the UI does goes through the feed, as in a browser.
 */
import { z } from 'zod';

/** How the window reaches the agent's feed (the same port and token a browser would use). */
export interface FeedAddress {
  /** http://127.0.0.1:PORT, without the token. */
  url: string;
  /** The per-data-directory token: `Authorization: Bearer <token>` or subprotocol `token.<token>`. */
  token: string;
}

/** A file inside a watched folder: the folder's id and the '/'-separated path under it. */
export const ItemLocationSchema = z.strictObject({
  folderId: z.string().min(1).max(100),
  path: z
    .string()
    .min(1)
    .max(4096)
    .refine((value) => !value.split(/[\\/]/).some((segment) => segment === '..'), {
      message: "must stay inside the watched folder (no '..')",
    }),
});

/** A file inside a watched folder. */
export type ItemLocation = z.infer<typeof ItemLocationSchema>;

/**
 * A set-aside file or its note: the item's id and the path the agent reported for it
 * (`getItem`'s `setAside`). The shell shows it only when it is one of that item's set-aside
 * paths, never any other path a window names.
 */
export const SetAsidePathSchema = z.strictObject({
  itemId: z.number().int().positive(),
  path: z.string().min(1).max(4096),
});

/** A set-aside file or its note. */
export type SetAsidePath = z.infer<typeof SetAsidePathSchema>;

/**
 * A response's local file: the response's id and the path the agent reported for it
 * (`getResponse`'s `localPath`). The shell opens it only when it is that response's own path.
 */
export const ResponsePathSchema = z.strictObject({
  responseId: z.number().int().positive(),
  path: z.string().min(1).max(4096),
});

/** A response's local file. */
export type ResponsePath = z.infer<typeof ResponsePathSchema>;

/** The argument schemas of each operation, as a tuple (what `ipcRenderer.invoke` carries). */
export const desktopRequestSchemas = {
  /** How to reach the feed. */
  getFeedConnection: z.tuple([]),
  /** Shows a file (or, if it is gone, its folder) in the system file manager. */
  showItemInFolder: z.tuple([ItemLocationSchema]),
  /** Shows a set-aside file or its note (or, if it is gone, its folder) in the file manager. */
  showSetAsideInFolder: z.tuple([SetAsidePathSchema]),
  /** Opens a link on the configured SharePoint host in the system browser. */
  openSharePointLink: z.tuple([z.string().min(1).max(8192)]),
  /** Opens a response's local file with the program the system uses for it. */
  openResponse: z.tuple([ResponsePathSchema]),
  /** Asks where to save, then writes a diagnostics bundle; null when the person cancelled. */
  exportDiagnostics: z.tuple([]),
  /** Opens a watched folder, named by its id, in the system file manager. */
  openWatchedFolder: z.tuple([z.string().min(1).max(100)]),
} as const;

/** Every operation, with its signature: the renderer calls `window.sitedrop.<name>(…)`. */
export interface DesktopApi {
  getFeedConnection(): Promise<FeedAddress>;
  /** Resolves false when the folder is not a watched one or the file is not there. */
  showItemInFolder(location: ItemLocation): Promise<boolean>;
  /**
   * Resolves false when the path is not one the agent reported for that set-aside item, or
   * neither it nor its folder is there any more.
   */
  showSetAsideInFolder(location: SetAsidePath): Promise<boolean>;
  /** Resolves false when the link is not on the configured SharePoint host (nothing opens). */
  openSharePointLink(url: string): Promise<boolean>;
  exportDiagnostics(): Promise<{ file: string } | null>;
  /** Resolves false when the path is not the one the agent reported for that response, or gone. */
  openResponse(location: ResponsePath): Promise<boolean>;
  /** Resolves false when no watched folder has that id, or its folder is not there. */
  openWatchedFolder(folderId: string): Promise<boolean>;
}

/** The name of one operation. */
export type DesktopRequestName = keyof DesktopApi & keyof typeof desktopRequestSchemas;

/** Every operation's name. */
export const desktopRequestNames = Object.keys(desktopRequestSchemas) as DesktopRequestName[];

/** The IPC channel that carries an operation (the preload spells these out; a test compares). */
export function desktopChannel(name: DesktopRequestName): `sitedrop:${DesktopRequestName}` {
  return `sitedrop:${name}`;
}

/** The global the preload defines in the window. */
export const desktopApiGlobalName = 'sitedrop';
