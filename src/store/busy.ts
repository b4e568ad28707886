// SQLITE_BUSY: another connection (an sqlite3 shell, a GUI, a backup) holds a lock on a results
// database for longer than the connection's busy_timeout. Such an error is the user's to resolve,
// so it becomes one InputError line, and writes that must not be lost are retried for a while.
import { setTimeout as sleep } from 'node:timers/promises';

import { InputError } from '../input-error.js';
import type { Db } from './open.js';

/** busy_timeout of every connection that openStore opens, in ms. */
export const BUSY_TIMEOUT_MS = 5000;

/** True for SQLite's errors of a database that another connection has locked. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Builds the one-line error for a database that stayed locked; `attempted` names the failed step. */
export function lockedDatabaseError(path: string, attempted: string, waitedS = BUSY_TIMEOUT_MS / 1000): InputError {
  return new InputError(
    path,
    'db',
    undefined,
    `another process holds this database locked, so ${attempted} failed after waiting ${waitedS} s; ` +
      'close the program that holds it (an sqlite3 shell, a database browser, a backup) or wait for it to finish, then rerun',
  );
}

/** Runs `action` and turns a busy error into lockedDatabaseError; other errors pass through. */
export function failWhenBusy<T>(path: string, attempted: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (isBusyError(error)) throw lockedDatabaseError(path, attempted);
    throw error;
  }
}

/** Runs `action` with the connection's busy_timeout set to `timeoutMs`, then sets it back. */
export function withBusyTimeout<T>(db: Db, timeoutMs: number, action: () => T): T {
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(timeoutMs))}`);
  try {
    return action();
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

export interface RetryOptions {
  /** Total time to keep trying, in ms. */
  waitMs: number;
  /** Called once, at the first busy attempt, before the waiting starts. */
  onFirstBusy?: () => void;
}

/** Each attempt waits this long inside SQLite (ms); the event loop runs between attempts. */
const ATTEMPT_TIMEOUT_MS = 1000;
const PAUSE_BETWEEN_ATTEMPTS_MS = 250;

/**
 * Runs `action` until it completes without a busy error or `waitMs` has passed. SQLite's own wait
 * blocks the thread, so the attempts are short and the event loop runs between them, which lets
 * a second Ctrl-C end the process. Returns `{ done: false }` when the database stayed locked; other
 * errors are raised.
 */
export async function retryWhileBusy<T>(db: Db, action: () => T, options: RetryOptions): Promise<{ done: true; value: T } | { done: false }> {
  const deadline = Date.now() + options.waitMs;
  let first = true;
  for (;;) {
    const remainingMs = deadline - Date.now();
    try {
      return { done: true, value: withBusyTimeout(db, Math.min(ATTEMPT_TIMEOUT_MS, Math.max(0, remainingMs)), action) };
    } catch (error) {
      if (!isBusyError(error)) throw error;
    }
    if (first) options.onFirstBusy?.();
    first = false;
    if (Date.now() >= deadline) return { done: false };
    await sleep(Math.min(PAUSE_BETWEEN_ATTEMPTS_MS, Math.max(0, deadline - Date.now())));
  }
}
