// JSON shapes of Graph resources (site, drive, driveItem, list, column, listItem) as SharePoint
// Online returns them, built from the emulator's records.

import path from 'node:path';
import type { DriveInfo, DriveStore, ItemRecord, SiteInfo } from './drive-store.ts';
import { guidFrom } from './ids.ts';
import { isQuickXorHashShown } from './missing-hashes.ts';

/** Identity shown in createdBy/lastModifiedBy: the emulator acts as "SharePoint App". */
const APPLICATION_IDENTITY = {
  application: { id: '00000003-0000-0ff1-ce00-000000000000', displayName: 'SharePoint App' },
  user: { displayName: 'SharePoint App' },
};

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.xml': 'text/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.zip': 'application/x-zip-compressed',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The MIME type SharePoint reports for a file name. */
export function mimeTypeOf(name: string): string {
  return MIME_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** A site resource. */
export function renderSite(site: SiteInfo): Record<string, unknown> {
  return {
    createdDateTime: iso(site.createdAt),
    description: '',
    id: site.id,
    lastModifiedDateTime: iso(site.createdAt),
    name: site.name,
    webUrl: site.webUrl,
    displayName: site.displayName,
    root: {},
    siteCollection: { hostname: site.hostname },
  };
}

/** Every library's storage quota (1 TiB), reported in the drive's `quota`. */
export const LIBRARY_QUOTA_BYTES = 1_099_511_627_776;

/** A drive resource (document library). */
export function renderDrive(info: DriveInfo, usedBytes: number): Record<string, unknown> {
  return {
    createdDateTime: iso(info.createdAt),
    description: '',
    id: info.id,
    lastModifiedDateTime: iso(info.createdAt),
    name: info.name,
    webUrl: info.webUrl,
    driveType: 'documentLibrary',
    createdBy: { user: { displayName: 'System Account' } },
    owner: { group: { displayName: `${info.site.displayName} Owners` } },
    quota: {
      deleted: 0,
      remaining: LIBRARY_QUOTA_BYTES - usedBytes,
      state: 'normal',
      total: LIBRARY_QUOTA_BYTES,
      used: usedBytes,
    },
  };
}

/** The list behind a drive. */
export function renderList(info: DriveInfo): Record<string, unknown> {
  return {
    '@odata.etag': `"${info.listId},1"`,
    createdDateTime: iso(info.createdAt),
    description: '',
    eTag: `"${info.listId},1"`,
    id: info.listId,
    lastModifiedDateTime: iso(info.createdAt),
    name: info.name,
    webUrl: info.webUrl,
    displayName: info.name,
    parentReference: { siteId: info.site.id },
    list: { contentTypesEnabled: false, hidden: false, template: 'documentLibrary' },
  };
}

const BUILT_IN_COLUMNS: ReadonlyArray<{ name: string; displayName: string }> = [
  { name: 'FileLeafRef', displayName: 'Name' },
  { name: 'Created', displayName: 'Created' },
  { name: 'Modified', displayName: 'Modified' },
  { name: 'ContentType', displayName: 'Content Type' },
  { name: 'FileSizeDisplay', displayName: 'File Size' },
];

/** The columns of a drive's list: its writable text columns, then read-only built-ins. */
export function renderColumns(info: DriveInfo): Array<Record<string, unknown>> {
  const writable = info.columns.map((name) => ({
    columnGroup: 'Custom Columns',
    description: '',
    displayName: name,
    enforceUniqueValues: false,
    hidden: false,
    id: guidFrom(`${info.listId}/column/${name}`),
    indexed: false,
    name,
    readOnly: false,
    required: false,
    text: {
      allowMultipleLines: false,
      appendChangesToExistingText: false,
      linesForEditing: 0,
      maxLength: 255,
    },
  }));
  const builtIn = BUILT_IN_COLUMNS.map((column) => ({
    columnGroup: 'Base Columns',
    description: '',
    displayName: column.displayName,
    enforceUniqueValues: false,
    hidden: false,
    id: guidFrom(`${info.listId}/column/${column.name}`),
    indexed: false,
    name: column.name,
    readOnly: true,
    required: false,
    text: {},
  }));
  return [...writable, ...builtIn];
}

function eTag(item: ItemRecord): string {
  return `"{${item.guid.toUpperCase()}},${item.version}"`;
}

/** A driveItem, as SharePoint Online returns it (no cTag on folders, as documented). */
export function renderItem(store: DriveStore, item: ItemRecord): Record<string, unknown> {
  const { info } = store;
  const relative = store.relativePath(item);
  const webUrl =
    relative === ''
      ? info.webUrl
      : `${info.webUrl}/${relative.split('/').map(encodeURIComponent).join('/')}`;
  const json: Record<string, unknown> = {
    createdDateTime: iso(item.createdAt),
    eTag: eTag(item),
    id: item.id,
    lastModifiedDateTime: iso(item.modifiedAt),
    name: item.parent === undefined ? 'root' : item.name,
    webUrl,
  };
  if (!item.isFolder) json['cTag'] = `"c:{${item.guid.toUpperCase()}},${item.contentVersion}"`;
  json['size'] = item.isFolder ? store.folderSize(item) : item.size;
  json['createdBy'] = APPLICATION_IDENTITY;
  json['lastModifiedBy'] = APPLICATION_IDENTITY;
  if (item.parent === undefined) {
    json['parentReference'] = { driveType: 'documentLibrary', driveId: info.id };
  } else {
    const parentRelative = store.relativePath(item.parent);
    json['parentReference'] = {
      driveType: 'documentLibrary',
      driveId: info.id,
      id: item.parent.id,
      name: item.parent.parent === undefined ? info.name : item.parent.name,
      path: `/drives/${info.id}/root:${parentRelative === '' ? '' : `/${parentRelative}`}`,
      siteId: info.site.id,
    };
  }
  if (item.isFolder) {
    json['folder'] = { childCount: item.children.size };
  } else {
    json['file'] = {
      mimeType: mimeTypeOf(item.name),
      hashes: isQuickXorHashShown(store, item) ? { quickXorHash: item.quickXorHash } : {},
    };
  }
  // The client's times when it sent them (createUploadSession's item.fileSystemInfo), else the
  // server's: fileSystemInfo is "File system information on client" (resources/driveitem.md).
  json['fileSystemInfo'] = {
    createdDateTime: iso(item.fileSystemInfo?.createdAt ?? item.createdAt),
    lastModifiedDateTime: iso(item.fileSystemInfo?.modifiedAt ?? item.modifiedAt),
  };
  if (item.parent === undefined) json['root'] = {};
  return json;
}

/** The fields (column values) of an item's list item, with the built-ins SharePoint returns. */
export function renderFields(store: DriveStore, item: ItemRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    '@odata.etag': `"${item.guid},${item.version}"`,
    id: String(item.listItemId),
    ContentType: item.isFolder ? 'Folder' : 'Document',
    Created: iso(item.createdAt),
    Modified: iso(item.modifiedAt),
    FileLeafRef: item.name,
    LinkFilename: item.name,
    _UIVersionString: `${item.version}.0`,
    ItemChildCount: String(
      item.isFolder ? [...item.children.values()].filter((child) => !child.isFolder).length : 0,
    ),
    FolderChildCount: String(
      item.isFolder ? [...item.children.values()].filter((child) => child.isFolder).length : 0,
    ),
  };
  if (!item.isFolder) {
    fields['DocIcon'] = path.extname(item.name).slice(1);
    fields['FileSizeDisplay'] = String(item.size);
  }
  for (const [key, value] of item.fields) fields[key] = value;
  return fields;
}

/** The listItem resource of a driveItem, with its fields expanded. */
export function renderListItem(store: DriveStore, item: ItemRecord): Record<string, unknown> {
  return {
    '@odata.etag': `"${item.guid},${item.version}"`,
    createdDateTime: iso(item.createdAt),
    eTag: `"${item.guid},${item.version}"`,
    id: String(item.listItemId),
    lastModifiedDateTime: iso(item.modifiedAt),
    webUrl: renderItem(store, item)['webUrl'],
    createdBy: APPLICATION_IDENTITY,
    lastModifiedBy: APPLICATION_IDENTITY,
    parentReference: { id: store.info.listId, siteId: store.info.site.id },
    contentType: { id: '0x0101', name: item.isFolder ? 'Folder' : 'Document' },
    fields: renderFields(store, item),
  };
}

/** Apply OData `$select` (comma-separated top-level properties) to a resource. */
export function applySelect(
  resource: Record<string, unknown>,
  select: string | null,
): Record<string, unknown> {
  if (select === null || select.trim() === '') return resource;
  const wanted = new Set(select.split(',').map((name) => name.trim()));
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => wanted.has(key) || key.startsWith('@odata')),
  );
}
