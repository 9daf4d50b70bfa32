// Identifiers shaped like SharePoint's, derived deterministically from names so that an emulator
// restarted on the same rootDir hands out the same site, drive and item ids.

import { createHash, randomBytes } from 'node:crypto';

/** A GUID (lowercase, 8-4-4-4-12) derived from text. */
export function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A random GUID, for request ids. */
export function randomGuid(): string {
  return guidFrom(randomBytes(16).toString('hex'));
}

/** A random URL-safe token of `bytes` random bytes (unguessable session and control secrets). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function guidBytes(guid: string): Buffer {
  return Buffer.from(guid.replaceAll('-', ''), 'hex');
}

/** A drive id like SharePoint's: "b!" and the base64url of the site, web and list GUIDs. */
export function driveIdFrom(siteGuid: string, webGuid: string, listGuid: string): string {
  return `b!${Buffer.concat([guidBytes(siteGuid), guidBytes(webGuid), guidBytes(listGuid)]).toString('base64url')}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An item id like SharePoint's ("01" and 32 base32 characters), derived from the drive and the
 * item's path at creation, compared case-insensitively as SharePoint compares names.
 */
export function itemIdFrom(driveId: string, relativePath: string): string {
  const digest = createHash('sha256').update(`${driveId}\n${relativePath.toLowerCase()}`).digest();
  let id = '01';
  for (let index = 0; index < 32; index++) id += BASE32[(digest[index] ?? 0) % 32];
  return id;
}
