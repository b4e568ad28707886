// Opening a results database: WAL mode, schema created on first use, other versions rejected.
import Database from 'better-sqlite3';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

import { checkOutputFile, statPath } from '../file-checks.js';
import { InputError } from '../input-error.js';
import { BUSY_TIMEOUT_MS, isBusyError, lockedDatabaseError } from './busy.js';
import { SCHEMA_SQL, SCHEMA_VERSION, SHARED_MAPPINGS_SQL, SWEEP_CONSTRAINTS_SQL } from './schema.js';

export type Db = Database.Database;

/**
 * Opens (and with `create`, creates) a results database at `path`. A path that is missing (unless
 * `create`), a folder, unreadable or not a results database raises one InputError. With `readonly`
 * the database file is never written, so commands that only read leave its size and mtime as they
 * were. SQLite may still create the -wal and -shm files beside it, and leaves them there. A
 * database that another process keeps locked for busy_timeout raises lockedDatabaseError.
 */
export function openStore(path: string, { create = false, readonly = false } = {}): Db {
  checkDatabasePath(path, create, readonly);

  let db: Db;
  try {
    db = new Database(path, { readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new InputError(path, 'db', undefined, `cannot open the results database (${(error as Error).message}); check the path and its permissions`);
  }

  try {
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Checked before the journal mode changes, which rewrites the file's header: a file that is
    // not a results database is left as it was.
    const empty = checkSchema(db, path, readonly);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // WAL with synchronous = NORMAL survives a killed process; only an OS crash may lose the last commits.
      db.pragma('synchronous = NORMAL');
      createSchema(db, empty);
    }
  } catch (error) {
    db.close();
    if (isBusyError(error)) throw lockedDatabaseError(path, 'opening it');
    throw notADatabaseError(error, path, create) ?? error;
  }
  return db;
}

function checkDatabasePath(path: string, create: boolean, readonly: boolean): void {
  const stats = statPath(path, 'db');
  if (stats === undefined) {
    if (!create) throw new InputError(path, 'db', undefined, 'results database not found; run `cosa sweep run SPEC.yaml` first or check the --db path');
    checkOutputFile(path, 'db', { createFolder: true, exampleName: 'results.sqlite' });
    return;
  }
  if (stats.isDirectory()) {
    throw new InputError(path, 'db', undefined, `is a folder, not a database file; give a file path such as ${join(path, 'results.sqlite')}`);
  }
  // SQLite opens an empty file as an empty database, and a read-only one has nothing to read.
  // With `create` an empty file is a new database, such as one that mktemp made.
  if (readonly && stats.size === 0) throw notAResultsDatabase(path, 'the file is empty', create);
  try {
    accessSync(path, readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
  } catch {
    throw new InputError(path, 'db', undefined, `permission denied; the results database must be ${readonly ? 'readable' : 'readable and writable'}`);
  }
}

/** SQLite reports a file of another format only at the first statement, as SQLITE_NOTADB (or SQLITE_CORRUPT). */
function notADatabaseError(error: unknown, path: string, create: boolean): InputError | undefined {
  const code = (error as { code?: unknown }).code;
  if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') return undefined;
  return notAResultsDatabase(path, (error as Error).message, create);
}

/** Builds the one error for a file that is not a results database, with the cause in brackets. */
function notAResultsDatabase(path: string, cause: string, create: boolean): InputError {
  const next = create ? 'give a results database of `cosa sweep run` or a new file name' : 'pass the .sqlite file that `cosa sweep run` wrote';
  return new InputError(path, 'db', undefined, `is not a results database (${cause}); ${next}`);
}

/** Raises InputError unless the database is empty (returns true) or of this schema version. */
function checkSchema(db: Db, path: string, readonly: boolean): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) {
    if (readonly) throw notAResultsDatabase(path, 'it is an SQLite database without tables', false);
    return true;
  }

  if (!tables.includes('schema_version')) {
    throw new InputError(path, 'db', undefined, 'is not a results database of `cosa sweep run` (it has no schema_version table)');
  }
  const version = db.prepare('SELECT version FROM schema_version').pluck().get() as number | undefined;
  if (version !== SCHEMA_VERSION) {
    throw new InputError(path, 'schema_version', version, `this cosa reads schema version ${SCHEMA_VERSION} only; rerun the sweep into a new database file, or use the cosa version that wrote it`);
  }
  return false;
}

/** Creates every table of an empty database, and the tables added since version 1 in an older one. */
function createSchema(db: Db, empty: boolean): void {
  if (!empty) {
    db.exec(SHARED_MAPPINGS_SQL + SWEEP_CONSTRAINTS_SQL);
    return;
  }
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  })();
}
