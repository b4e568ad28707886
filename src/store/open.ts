// Opening a results database: WAL mode, schema created on first use, other versions rejected.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { InputError } from '../input-error.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;

/** Opens (and with `create`, creates) a results database at `path`. */
export function openStore(path: string, { create = false, readonly = false } = {}): Db {
  if (!existsSync(path)) {
    if (!create) throw new InputError(path, 'db', undefined, 'results database not found; run `cosa sweep run SPEC.yaml` first or check the --db path');
    mkdirSync(dirname(path), { recursive: true });
  }

  let db: Db;
  try {
    db = new Database(path, { readonly });
  } catch (error) {
    throw new InputError(path, 'db', undefined, `cannot open the results database: ${(error as Error).message}`);
  }

  try {
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // WAL with synchronous = NORMAL survives a killed process; only an OS crash may lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    ensureSchema(db, path, readonly);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function ensureSchema(db: Db, path: string, readonly: boolean): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) {
    if (readonly) throw new InputError(path, 'db', undefined, 'is an empty database, not a results database of `cosa sweep run`');
    db.transaction(() => {
      db.exec(SCHEMA_SQL);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    })();
    return;
  }

  if (!tables.includes('schema_version')) {
    throw new InputError(path, 'db', undefined, 'is not a results database of `cosa sweep run` (it has no schema_version table)');
  }
  const version = db.prepare('SELECT version FROM schema_version').pluck().get() as number | undefined;
  if (version !== SCHEMA_VERSION) {
    throw new InputError(path, 'schema_version', version, `this cosa reads schema version ${SCHEMA_VERSION} only; rerun the sweep into a new database file, or use the cosa version that wrote it`);
  }
}
