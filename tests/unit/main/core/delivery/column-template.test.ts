import { describe, expect, it } from 'vitest';
import { renderColumnTemplate } from '../../../../../src/main/core/delivery/column-template.ts';

const source = {
  folder: { id: 'site-office', label: 'Site office' },
  relativePath: 'north/2026/report.final.pdf',
  request: { request_id: 'REQ-7', device: { id: 'D-9' }, count: 3, folder: 'from-request' },
};

describe('column templates', () => {
  it('fills path tokens and request fields', () => {
    expect(renderColumnTemplate('{request_id}', source)).toBe('REQ-7');
    expect(renderColumnTemplate('{folder}:{segment1}/{segment2}', source)).toBe(
      'site-office:north/2026',
    );
    expect(renderColumnTemplate('{fileStem}.{extension}', source)).toBe('report.final.pdf');
    expect(renderColumnTemplate('{request.device.id} x{count}', source)).toBe('D-9 x3');
    expect(renderColumnTemplate('{directory}|{folderLabel}', source)).toBe(
      'north/2026|Site office',
    );
  });

  it('lets path tokens win, unless the request. prefix is used', () => {
    expect(renderColumnTemplate('{folder}', source)).toBe('site-office');
    expect(renderColumnTemplate('{request.folder}', source)).toBe('from-request');
  });

  it('keeps literal text and escaped braces', () => {
    expect(renderColumnTemplate('Dropped', source)).toBe('Dropped');
    expect(renderColumnTemplate('{{{request_id}}}', source)).toBe('{REQ-7}');
  });

  it('leaves a column alone when none of its tokens has a value, blanks missing parts otherwise', () => {
    expect(renderColumnTemplate('{missing}', source)).toBeUndefined();
    expect(renderColumnTemplate('{missing}-{request_id}', source)).toBe('-REQ-7');
    expect(renderColumnTemplate('{segment5}', source)).toBeUndefined();
  });
});
