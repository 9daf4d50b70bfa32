// Graph contract: request bodies are checked against Microsoft's published v1.0 service metadata
// (tools/graph-emulator/metadata/), and every Graph error carries innerError with the date and
// both request ids. Each test names its source.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFINITIONS_FILE,
  renderDefinitionsFromCsdl,
} from '../../../../../tools/graph-emulator/metadata/extract-definitions.ts';
import { useSharedEmulator } from './shared-emulator.ts';

interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

const shared = useSharedEmulator();

function createUploadSession(name: string, body: unknown, headers: Record<string, string> = {}) {
  return shared.test.call(`/v1.0/drives/${shared.driveId}/root:/${name}:/createUploadSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('service metadata', () => {
  it('the extracted definitions match graph-v1.0.csdl.gz (msgraph-metadata schemas/v1.0-Prod.csdl)', () => {
    expect(readFileSync(DEFINITIONS_FILE, 'utf8')).toBe(renderDefinitionsFromCsdl());
  });
});

describe('createUploadSession body (metadata: Action createUploadSession bound to graph.driveItem)', () => {
  it('accepts the documented body: item with @microsoft.graph.conflictBehavior, name, fileSize, fileSystemInfo, and deferCommit (api-reference/v1.0/api/driveitem-createuploadsession.md)', async () => {
    const response = await createUploadSession('documented.bin', {
      item: {
        '@microsoft.graph.conflictBehavior': 'rename',
        name: 'documented.bin',
        description: 'a file',
        fileSize: 1234,
        fileSystemInfo: { lastModifiedDateTime: '2024-05-01T10:00:00Z' },
      },
      deferCommit: false,
    });
    expect(response.status).toBe(200);
  });

  it("refuses a parameter the action does not declare, as OData does: 400 BadRequest \"The parameter 'fileSize' … is not a valid parameter for the operation 'createUploadSession'.\" (metadata; https://github.com/microsoftgraph/microsoft-graph-docs/issues/10585)", async () => {
    const response = await createUploadSession('top-level-size.bin', {
      item: { '@microsoft.graph.conflictBehavior': 'fail' },
      fileSize: 10,
    });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error).toMatchObject({
      code: 'BadRequest',
      message:
        "The parameter 'fileSize' in the request payload is not a valid parameter for the operation 'createUploadSession'.",
    });
  });

  it('refuses a property driveItemUploadableProperties does not declare (metadata: ComplexType driveItemUploadableProperties, not open)', async () => {
    const response = await createUploadSession('unknown-property.bin', {
      item: { size: 10 },
    });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error).toMatchObject({
      code: 'BadRequest',
      message:
        "The property 'size' does not exist on type 'microsoft.graph.driveItemUploadableProperties'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    });
  });

  it('refuses a property of a nested complex value it does not declare (metadata: ComplexType fileSystemInfo)', async () => {
    const response = await createUploadSession('nested.bin', {
      item: { fileSystemInfo: { modifiedAt: '2024-05-01T10:00:00Z' } },
    });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error.message).toContain(
      "The property 'modifiedAt' does not exist on type 'microsoft.graph.fileSystemInfo'.",
    );
  });

  it('refuses values of the wrong type: fileSize is Edm.Int64, deferCommit Edm.Boolean, lastModifiedDateTime Edm.DateTimeOffset (metadata)', async () => {
    for (const body of [
      { item: { fileSize: '10' } },
      { deferCommit: 'true' },
      { item: { fileSystemInfo: { lastModifiedDateTime: 'yesterday' } } },
    ]) {
      const response = await createUploadSession('typed.bin', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json<GraphErrorBody>().error.code).toBe('BadRequest');
    }
  });
});

describe('resource bodies (metadata: EntityType driveItem is open, ComplexType itemReference is not, fieldValueSet is open)', () => {
  it('refuses a folder body whose declared property has the wrong shape (metadata: driveItem.folder is graph.folder)', async () => {
    const response = await shared.test.call(`/v1.0/drives/${shared.driveId}/root/children`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Typed', folder: { childCount: 'none' } }),
    });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error.code).toBe('BadRequest');
  });

  it('accepts any column name in listItem fields, which is an open type, and leaves unknown columns to SharePoint (metadata: EntityType fieldValueSet OpenType="true")', async () => {
    await shared.test.call(`/v1.0/drives/${shared.driveId}/root:/fields.txt:/content`, {
      method: 'PUT',
      body: 'x',
    });
    const known = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/fields.txt:/listItem/fields`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Title: 'A title' }),
      },
    );
    expect(known.status).toBe(200);
    const unknown = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/fields.txt:/listItem/fields`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ NoSuchColumn: 'x' }),
      },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json<GraphErrorBody>().error.code).toBe('invalidRequest');
  });
});

describe('error responses (https://learn.microsoft.com/graph/errors, api-reference/v1.0/resources/errors.md in microsoft-graph-docs-contrib)', () => {
  it("carries innerError with date, request-id and the client's client-request-id, echoed", async () => {
    const clientRequestId = '0f4e6c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const response = await createUploadSession(
      'error-ids.bin',
      { fileSize: 1 },
      { 'client-request-id': clientRequestId },
    );
    const { innerError } = response.json<GraphErrorBody>().error;
    expect(innerError['client-request-id']).toBe(clientRequestId);
    expect(innerError['request-id']).toBe(response.headers['request-id']);
    expect(response.headers['client-request-id']).toBe(clientRequestId);
    expect(innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('carries the same innerError on upload URL errors', async () => {
    const response = await shared.test.call(
      `${shared.test.emulator.authorityHost}/_upload/no-such-session`,
      {
        headers: { 'client-request-id': 'upload-id-1' },
      },
    );
    expect(response.status).toBe(404);
    expect(response.json<GraphErrorBody>().error.innerError).toMatchObject({
      'client-request-id': 'upload-id-1',
      'request-id': response.headers['request-id'],
    });
  });
});
