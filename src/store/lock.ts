// An exclusive lock on a results database for the length of a sweep run or a merge: a file beside
// the database containing the owner's pid and host. Two runs into one database would solve every
// job twice, so the second one is rejected.
import { readFileSync, readlinkSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

import { InputError } from '../input-error.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time at which the owner took the lock. */
  since: string;
  /** The command that holds it, such as `cosa results merge`; absent in locks of older versions. */
  command?: string;
}

/**
 * Returns the lock file of a database: beside the file that the path resolves to, so that two paths
 * to one database (a symbolic link, a linked folder) share one lock.
 */
export function lockPath(dbPath: string): string {
  return `${resolvedPath(dbPath)}.lock`;
}

/** Symbolic links followed at most, as Linux's own limit (MAXSYMLINKS) is 40. */
const MAX_LINKS = 40;

function resolvedPath(path: string, links = 0): string {
  try {
    return realpathSync(path);
  } catch {
    // A database not created yet, possibly behind a link that points to it already.
  }
  if (links < MAX_LINKS) {
    try {
      return resolvedPath(resolve(dirname(path), readlinkSync(path)), links + 1);
    } catch {
      // Not a link: resolve the folder, which the caller has checked exists.
    }
  }
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/** True when process `pid` runs on this host; EPERM means it runs under another user. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    // A lock file that vanished or was cut short while being written counts as no owner.
    return undefined;
  }
}

/**
 * Takes the lock of the database at `dbPath` and returns the function that releases it. A lock
 * left by a process of this host that no longer runs (a killed run) is taken over. Raises
 * InputError when another live run holds it, or a run on another host, whose pid cannot be checked.
 */
export function acquireRunLock(dbPath: string, command = 'cosa sweep run'): () => void {
  const path = lockPath(dbPath);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // 'wx' fails when the file exists, so of two runs that start together only one creates it.
      writeFileSync(path, JSON.stringify(owner), { flag: 'wx' });
      return () => releaseLock(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InputError(dbPath, 'lock', path, `cannot create the run's lock file: ${(error as Error).message}`);
      }
    }

    const holder = readOwner(path);
    const stale = holder === undefined || (holder.host === owner.host && !processAlive(holder.pid));
    if (!stale) {
      const where = describeLockOwner(holder);
      const hint =
        holder.host === owner.host
          ? 'wait for it to finish or stop it, or use another database file'
          : `wait for it to finish, or use another database file; if no run is active there, delete ${path}`;
      const since = typeof holder.since === 'string' ? `, since ${holder.since}` : '';
      throw new InputError(dbPath, 'lock', undefined, `another \`${holder.command ?? 'cosa sweep run'}\` (${where}${since}) is using this database; ${hint}`);
    }
    try {
      unlinkSync(path);
    } catch {
      // Another run removed the stale lock first; the next attempt decides between us.
    }
  }
  throw new InputError(dbPath, 'lock', path, 'another cosa command took the lock at the same moment; use another database file');
}

/**
 * Returns the owner of the lock of the database at `dbPath` while that owner runs, or undefined
 * when no lock exists, this process owns it, or its process of this host has ended. An owner on another host cannot be
 * checked, so it counts as running.
 */
export function activeLockOwner(dbPath: string): LockOwner | undefined {
  const holder = readOwner(lockPath(dbPath));
  if (holder === undefined) return undefined;
  // This process's own lock is no other run: `sweep run` writes the report while it holds the lock.
  if (holder.host === hostname() && (holder.pid === process.pid || !processAlive(holder.pid))) return undefined;
  return holder;
}

/** Describes a lock's owner as `pid N`, with `on host H` when it runs on another host. */
export function describeLockOwner(owner: LockOwner): string {
  return owner.host === hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on host ${owner.host}`;
}

function releaseLock(path: string): void {
  const holder = readOwner(path);
  if (holder?.pid !== process.pid || holder.host !== hostname()) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone; nothing to release.
  }
}
