import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A comment of a source file, with the line it starts on (1-based). */
interface SourceComment {
  file: string;
  line: number;
  text: string;
}

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|tsx|cts|mts|css)$/.test(entry.name) ? [relative] : [];
  });
}

/**
 * Every comment of a file. TypeScript's own parser finds them (the trivia before and after each
 * token), so `//` in a string, a template or a URL is never taken for one; CSS has block comments
 * only.
 */
function commentsOf(file: string): SourceComment[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lineOf = (position: number) => text.slice(0, position).split('\n').length;
  if (file.endsWith('.css')) {
    return [...text.matchAll(/\/\*[\s\S]*?\*\//g)].map((match) => ({
      file,
      line: lineOf(match.index),
      text: match[0],
    }));
  }
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const ranges = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(text, node.pos) ?? []),
      ...(ts.getTrailingCommentRanges(text, node.end) ?? []),
    ]) {
      ranges.set(range.pos, range);
    }
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...ranges.values()].map((range) => ({
    file,
    line: lineOf(range.pos),
    text: text.slice(range.pos, range.end),
  }));
}

const comments = sourceFiles('src').flatMap(commentsOf);

/** The line of a comment where a match starts, for the failure message. */
function located(comment: SourceComment, index: number): string {
  const line = comment.line + comment.text.slice(0, index).split('\n').length - 1;
  const quoted = comment.text.slice(index).split('\n')[0] ?? '';
  return `${comment.file}:${line}: ${quoted.slice(0, 80)}`;
}

function findAll(pattern: RegExp, isBad: (match: RegExpMatchArray) => boolean = () => true) {
  return comments.flatMap((comment) =>
    [...comment.text.matchAll(pattern)]
      .filter(isBad)
      .map((match) => located(comment, match.index ?? 0)),
  );
}

// Comments say why, in the present tense; the history of a change and its measurements belong
// in the commit message and docs/performance.md, where they stay true, and a reader of the code
// can follow every file a comment cites (docs/development.md, "Comments").
describe('comments in src/', () => {
  it('finds the comments it checks', () => {
    expect(comments.length).toBeGreaterThan(1000);
    expect(comments.some((comment) => comment.file.endsWith('.tsx'))).toBe(true);
  });

  it('cite no issue numbers of ours', () => {
    // A public project's issue is cited by its address or as owner/repo#N, which stays allowed.
    const issues = findAll(/\b[Ii]ssues? #?\d+/g);
    const hashNumbers = findAll(/#\d+\b/g, (match) => {
      const before = match.input?.slice(0, match.index) ?? '';
      return !/[\w.-]+\/[\w.-]+$/.test(before);
    });
    expect([...issues, ...hashNumbers]).toEqual([]);
  });

  it('cite no bench figure numbers', () => {
    expect(findAll(/\b[Ff]igures? \d+/g)).toEqual([]);
  });

  it('cite no planning documents that are not in the repository', () => {
    expect(findAll(/\b(DESIGN|STYLE)\.md\b/g)).toEqual([]);
  });

  it('cite only files of the repository that exist', () => {
    // Paths of ours start at a top-level folder (src/ only with its own layout: another
    // project's src/clock.ts may be cited as a public source); a bare name.md means docs/.
    const ours =
      /(?<![\w./-])((?:docs|tests|tools|bench|schemas)\/[\w./-]*\w|src\/(?:main|shared|renderer)\/[\w./-]*\w)/g;
    const bareDocs = /(?<![\w./-])([\w-]+\.md)\b/g;
    const missing = [
      ...findAll(ours, (match) => !fs.existsSync(path.join(root, match[1] ?? ''))),
      ...findAll(
        bareDocs,
        (match) =>
          !fs.existsSync(path.join(root, match[1] ?? '')) &&
          !fs.existsSync(path.join(root, 'docs', match[1] ?? '')),
      ),
    ];
    expect(missing).toEqual([]);
  });
});
