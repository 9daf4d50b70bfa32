import path from 'node:path';
import { findNameProblems, sharePointNameLimits } from '../../../shared/sharepoint-names.ts';

/**
 * Why a remote name cannot become a local file name as it is (empty when it can).
 *
 * A remote name is input from outside: it passes the same rules as a name SiteDrop sends
 * (src/shared/sharepoint-names.ts: refused characters, reserved device names, length), and may
 * never step out of the responses folder (`..`, `.`, a separator, an empty name).
 */
export function findRemoteNameProblems(name: string): string[] {
  if (name === '' || name === '.' || name === '..') {
    return ['is not a file name (empty, "." or "..")'];
  }
  const problems = findNameProblems(name);
  if (/[/\\]/.test(name) && !problems.some((problem) => problem.includes('"/"'))) {
    problems.push('contains a path separator');
  }
  if (Buffer.byteLength(name, 'utf8') > sharePointNameLimits.nameMaxChars) {
    problems.push(
      `is longer than ${sharePointNameLimits.nameMaxChars} bytes, more than most disks allow`,
    );
  }
  return problems;
}

/**
 * The name of the n-th copy of a response beside a local file of the same name that a person
 * made or changed: `answer.pdf` → `answer (from SharePoint 2).pdf` for n = 2.
 */
export function conflictName(name: string, copyNumber: number): string {
  const extension = path.extname(name);
  const stem = extension === name ? name : name.slice(0, name.length - extension.length);
  return `${stem} (from SharePoint ${copyNumber})${extension}`;
}
