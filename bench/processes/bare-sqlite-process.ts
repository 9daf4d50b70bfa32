/**
 * A bench child: bare Node plus better-sqlite3 opening a database (figure 7's baseline). It opens
 * the file as the agent does (WAL, synchronous=FULL), counts the items and reports its memory.
 */
import BetterSqlite3 from 'better-sqlite3';
import { readChildArguments, readMemory, serveParent } from '../lib/serve-parent.ts';

const options = readChildArguments<{ databaseFile: string }>();
const db = new BetterSqlite3(options.databaseFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const count = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;

serveParent({
  count: () => count,
  memory: () => readMemory(),
  close: () => db.close(),
});
