import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  latestSchemaVersion,
  migrate,
  migrations,
  SchemaTooNewError,
} from '../../../../../src/main/core/store/index.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

function schemaOf(db: BetterSqlite3.Database): string[] {
  return (
    db
      .prepare(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { type: string; name: string; sql: string }[]
  ).map((row) => `${row.type} ${row.name}: ${row.sql.replace(/\s+/g, ' ')}`);
}

function freshDatabase(): BetterSqlite3.Database {
  return new BetterSqlite3(path.join(makeTempDir(), 'test.db'));
}

describe('migrations', () => {
  it('are numbered 1, 2, 3 … without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(
      migrations.map((_, index) => index + 1),
    );
  });

  it('build the latest schema from an empty database', () => {
    const db = freshDatabase();
    expect(migrate(db)).toEqual(migrations.map((migration) => migration.version));
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(schemaOf(db).some((line) => line.startsWith('table items'))).toBe(true);
    db.close();
  });

  // From every earlier version (0 = empty): the result must be exactly the schema a fresh
  // database gets, and a second run must do nothing.
  const fromVersions = [0, ...migrations.slice(0, -1).map((migration) => migration.version)];
  it.each(fromVersions)('bring a version %i database to the latest schema', (fromVersion) => {
    const reference = freshDatabase();
    migrate(reference);
    const db = freshDatabase();
    migrate(db, fromVersion);
    expect(db.pragma('user_version', { simple: true })).toBe(fromVersion);
    migrate(db);
    expect(schemaOf(db)).toEqual(schemaOf(reference));
    expect(migrate(db)).toEqual([]);
    reference.close();
    db.close();
  });

  it('refuse a database written by a newer SiteDrop, naming both versions', () => {
    const db = freshDatabase();
    db.pragma(`user_version = ${latestSchemaVersion + 1}`);
    expect(() => migrate(db)).toThrow(SchemaTooNewError);
    expect(() => migrate(db)).toThrow(
      `schema version ${latestSchemaVersion + 1}, but this SiteDrop knows versions up to ${latestSchemaVersion}`,
    );
    db.close();
  });
});
