// Test helpers for delta: follow a round's links to its deltaLink, as a client must
// (api-reference/v1.0/api/driveitem-delta.md), and small writes through Graph.

import { expect } from 'vitest';
import type { TestEmulator } from '../emulator-client.ts';

/** A driveItem as delta reports it (only what the tests read). */
export interface DeltaItem {
  id: string;
  name?: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  deleted?: { state?: string };
  file?: { hashes?: { quickXorHash?: string } };
  folder?: Record<string, unknown>;
  parentReference?: { id?: string; driveId?: string; path?: string };
  fileSystemInfo?: { lastModifiedDateTime?: string };
  '@microsoft.graph.downloadUrl'?: string;
}

/** One page of a delta round. */
export interface DeltaPage {
  value: DeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** Every page of a round, from `url` to the page with the deltaLink. */
export async function readRound(
  test: TestEmulator,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ pages: DeltaPage[]; items: DeltaItem[]; deltaLink: string }> {
  const pages: DeltaPage[] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const response = await test.call(next, { headers });
    expect(response.status, response.text).toBe(200);
    const page = response.json<DeltaPage>();
    pages.push(page);
    expect(pages.length).toBeLessThan(1000);
    next = page['@odata.nextLink'];
    if (next === undefined) expect(page['@odata.deltaLink']).toMatch(/^https:\/\//);
  }
  const deltaLink = pages.at(-1)?.['@odata.deltaLink'] ?? '';
  return { pages, items: pages.flatMap((page) => page.value), deltaLink };
}

/** Upload a small file by path (folders made as needed). */
export async function putFile(
  test: TestEmulator,
  driveId: string,
  itemPath: string,
  body: string,
): Promise<DeltaItem> {
  const response = await test.call(`/v1.0/drives/${driveId}/root:/${itemPath}:/content`, {
    method: 'PUT',
    body,
  });
  expect(response.status, response.text).toBeLessThan(300);
  return response.json<DeltaItem>();
}

/** The ids in a list of delta items, in order. */
export function idsOf(items: readonly DeltaItem[]): string[] {
  return items.map((item) => item.id);
}

/** The last occurrence of each id ("You should use the last occurrence you see"). */
export function lastOccurrences(items: readonly DeltaItem[]): Map<string, DeltaItem> {
  return new Map(items.map((item) => [item.id, item]));
}
