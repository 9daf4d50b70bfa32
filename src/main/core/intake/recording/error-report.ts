import type { RequestProblem } from '../../../../shared/request-schema.ts';

/** Why a file was quarantined, for its `.error.txt` and the item's reason. */
export interface QuarantineCause {
  /** A stable code: `input.invalid-request`, `input.invalid-name` or `input.path-too-long`. */
  code: 'input.invalid-request' | 'input.invalid-name' | 'input.path-too-long';
  /** One sentence for the item list and the event. */
  summary: string;
  /** Each problem, in plain words. */
  details: string[];
  /** What a person does to fix it. */
  fix: string;
}

/** The cause for a request file that failed validation. */
export function invalidRequestCause(problems: readonly RequestProblem[]): QuarantineCause {
  const count = problems.length;
  return {
    code: 'input.invalid-request',
    summary: `The request file has ${count} problem${count === 1 ? '' : 's'}: ${problems
      .map((problem) => `${problem.field}: found ${problem.found}, expected ${problem.expected}`)
      .join('; ')}`,
    details: problems.map(
      (problem) =>
        `${problem.field === '(file)' ? 'The file' : `Field "${problem.field}"`}: found ${problem.found}; expected ${problem.expected}.`,
    ),
    fix:
      'Open the file in a text editor, correct what is listed above (docs/intake.md shows a ' +
      'complete example request), save it, and drop it into the watched folder again.',
  };
}

/** The cause for a name SharePoint refuses, when the folder quarantines such names. */
export function invalidNameCause(
  problems: readonly { name: string; reasons: string[] }[],
  suggestedPath: string,
): QuarantineCause {
  return {
    code: 'input.invalid-name',
    summary: `SharePoint does not accept the name: ${problems
      .map((problem) => `"${problem.name}" ${problem.reasons.join(' and ')}`)
      .join('; ')}`,
    details: problems.map((problem) => `"${problem.name}" ${problem.reasons.join(', and ')}.`),
    fix:
      `Rename the file (or folder), for example to "${suggestedPath}", and drop it into the ` +
      'watched folder again. Names must not contain " * : < > ? / \\ |, start or end with a ' +
      'space, end with a dot, or be a reserved name such as CON or NUL.',
  };
}

/** The cause for a path longer than SharePoint allows. */
export function pathTooLongCause(problem: string): QuarantineCause {
  return {
    code: 'input.path-too-long',
    summary: `SharePoint does not accept the path: ${problem}`,
    details: [`${problem[0]?.toUpperCase() ?? ''}${problem.slice(1)}.`],
    fix: 'Move the file to a folder with a shorter path, or give it a shorter name, and drop it into the watched folder again.',
  };
}

/** Where the file came from and went, for the report. */
export interface ReportContext {
  originalPath: string;
  quarantinePath: string;
  watchedFolder: string;
  at: Date;
}

/**
 * The text of `<name>.error.txt`, written beside a quarantined file: what is wrong, in plain
 * words, and how to fix it. No stack traces, no codes a person must look up (the code is last,
 * for support).
 */
export function formatErrorReport(cause: QuarantineCause, context: ReportContext): string {
  return [
    'SiteDrop could not send this file to SharePoint, so it was moved here.',
    '',
    `File:        ${context.originalPath}`,
    `Moved here:  ${context.at.toISOString()}`,
    '',
    'What is wrong:',
    ...cause.details.map((detail, index) => `  ${index + 1}. ${detail}`),
    '',
    'How to fix it:',
    `  ${cause.fix}`,
    `  The watched folder is: ${context.watchedFolder}`,
    '  You may delete this file and its .error.txt afterwards.',
    '',
    `(Reason code for support: ${cause.code})`,
    '',
  ].join('\n');
}
