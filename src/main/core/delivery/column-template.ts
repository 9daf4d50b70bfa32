import type { FolderConfig } from '../../../shared/config-schema.ts';
import { valueAt } from '../../../shared/value-paths.ts';

/** What a column template can refer to: the file's path and its request metadata. */
export interface TemplateSource {
  folder: Pick<FolderConfig, 'id' | 'label'>;
  /** '/'-separated path relative to the watched folder. */
  relativePath: string;
  /** Request metadata (JSON request files), or null. */
  request: Record<string, unknown> | null;
}

/**
 * Renders a column template (docs/delivery.md, "Columns").
 *
 * Text with `{token}` placeholders; `{{` and `}}` stand for literal braces. Tokens:
 * - path tokens: `{folder}` (the watched folder's id), `{folderLabel}`, `{fileName}`,
 *   `{fileStem}`, `{extension}` (without the dot), `{relativePath}`, `{directory}` (the
 *   relative directory, '' at the top), `{segment1}`, `{segment2}`, … (directory segments);
 * - request metadata: `{request_id}` or `{request.request_id}`; nested fields with dots
 *   (`{request.device.id}`). A path token name wins over a request field of the same name
 *   unless the `request.` prefix is used.
 *
 * A token without a value renders as ''. When every token of a template is without a value,
 * the result is undefined and the column is left alone (not blanked).
 */
export function renderColumnTemplate(template: string, source: TemplateSource): string | undefined {
  let tokenCount = 0;
  let valuedCount = 0;
  const rendered = template.replace(
    /\{\{|\}\}|\{([^{}]+)\}/g,
    (match, token: string | undefined) => {
      if (match === '{{') return '{';
      if (match === '}}') return '}';
      tokenCount += 1;
      const value = resolveToken((token ?? '').trim(), source);
      if (value === undefined) return '';
      valuedCount += 1;
      return value;
    },
  );
  if (tokenCount > 0 && valuedCount === 0) return undefined;
  return rendered;
}

/** Renders every configured column; columns whose templates have no value are left out. */
export function renderColumns(
  columns: Readonly<Record<string, string>>,
  source: TemplateSource,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [column, template] of Object.entries(columns)) {
    const value = renderColumnTemplate(template, source);
    if (value !== undefined) fields[column] = value;
  }
  return fields;
}

function resolveToken(token: string, source: TemplateSource): string | undefined {
  if (token.startsWith('request.')) return requestValue(source.request, token.slice(8));
  const pathValue = pathToken(token, source);
  if (pathValue !== undefined) return pathValue;
  return requestValue(source.request, token);
}

function pathToken(token: string, source: TemplateSource): string | undefined {
  const segments = source.relativePath.split('/');
  const fileName = segments.at(-1) ?? '';
  const directories = segments.slice(0, -1);
  const dot = fileName.lastIndexOf('.');
  switch (token) {
    case 'folder':
      return source.folder.id;
    case 'folderLabel':
      return source.folder.label ?? source.folder.id;
    case 'fileName':
      return fileName;
    case 'fileStem':
      return dot > 0 ? fileName.slice(0, dot) : fileName;
    case 'extension':
      return dot > 0 ? fileName.slice(dot + 1) : '';
    case 'relativePath':
      return source.relativePath;
    case 'directory':
      return directories.join('/');
  }
  const segment = /^segment([1-9]\d*)$/.exec(token);
  if (segment) return directories[Number(segment[1]) - 1];
  return undefined;
}

function requestValue(
  request: Record<string, unknown> | null,
  dottedPath: string,
): string | undefined {
  const value = valueAt(request, dottedPath.split('.'));
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
