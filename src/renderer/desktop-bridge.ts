/**
 * The desktop shell's API (src/shared/desktop-api.ts) as the renderer sees it: present when the
 * page runs in the SiteDrop window (its preload exposes `window.sitedrop`), absent in a browser
 * onto a headless agent. Each operation may be missing (an older shell), so callers check the
 * one they need and fall back to what a browser can do.
 */
import { desktopApiGlobalName, type DesktopApi } from '../shared/desktop-api.ts';

/** The desktop shell's operations when this page runs in the SiteDrop window, else undefined. */
export function desktopApi(): Partial<DesktopApi> | undefined {
  return (window as unknown as Record<string, Partial<DesktopApi> | undefined>)[
    desktopApiGlobalName
  ];
}
