/**
 * The site, library and folder picker's part of the feed protocol: the commands' parameters and
 * results. Ids are what settings keep (with the names shown); every list is complete (the agent
 * followed Graph's pages to the end). A list that is empty for a reason a person should know
 * comes with `notice`, a sentence saying why and what to do. Re-exported by
 * src/shared/feed-protocol.ts.
 */
import { z } from 'zod';

const graphId = z.string().min(1).max(500);

/** A SharePoint site: its id, display name and address. */
export const PickerSiteSchema = z.object({ id: z.string(), name: z.string(), webUrl: z.string() });

/** A SharePoint site as the picker lists it. */
export type PickerSite = z.infer<typeof PickerSiteSchema>;

/** A document library (a drive) of a site. */
export const PickerLibrarySchema = PickerSiteSchema;

/** A document library as the picker lists it. */
export type PickerLibrary = z.infer<typeof PickerLibrarySchema>;

/** A folder of a library; `path` is '/'-separated from the library's top level ('' is the top). */
export const PickerFolderSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  childCount: z.number().int().nonnegative(),
});

/** A folder as the picker lists it. */
export type PickerFolder = z.infer<typeof PickerFolderSchema>;

/** A sentence for a list that came back empty for a reason (null: nothing to say). */
const notice = z.string().nullable();

/** The picker's commands, merged into the feed's command table. */
export const pickerCommandTable = {
  /**
   * Sites to choose from: with neither parameter the sites the person follows; with `query` a
   * search; with `url` the site of a pasted site or library address (the one way that works with
   * Sites.Selected), with `libraryId` the library the address points into.
   */
  listSites: {
    params: z.object({
      query: z.string().max(200).optional(),
      url: z.string().max(2000).optional(),
    }),
    result: z.object({
      source: z.enum(['followed', 'search', 'url']),
      sites: z.array(PickerSiteSchema),
      libraryId: z.string().nullable(),
      notice,
    }),
  },
  /** A site's document libraries. */
  listLibraries: {
    params: z.object({ siteId: graphId }),
    result: z.object({ libraries: z.array(PickerLibrarySchema), notice }),
  },
  /** A library's folder (its top level without `itemId`) and the folders directly in it. */
  listFolders: {
    params: z.object({ driveId: graphId, itemId: graphId.optional() }),
    result: z.object({ folder: PickerFolderSchema, folders: z.array(PickerFolderSchema), notice }),
  },
} as const;
