// Checks of file and folder paths that the user gives, and plain words for Node's file-system
// error codes, so that a bad path is reported as one InputError line and never as a bug.
import { accessSync, constants, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { InputError } from './input-error.js';

/** Meaning of each file-system error code for the user's path, and the next step. */
const ERROR_CODE_HINTS: Record<string, string> = {
  ENOENT: 'not found; check the path',
  EISDIR: 'is a folder, not a file; give the path of a file',
  ENOTDIR: 'a part of the path is a file, not a folder; check the path',
  EACCES: 'permission denied; check the permissions of the file and its folders',
  EPERM: 'permission denied; check the permissions of the file and its folders',
  ENAMETOOLONG: 'the path is too long for the file system; use a shorter path',
  EROFS: 'is on a read-only file system; choose a path on a writable one',
};

/**
 * Converts a Node file-system error (one with `code` and `path`) into an InputError that names the
 * path; returns undefined for any other error.
 */
export function fileSystemInputError(error: unknown, field = 'file'): InputError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;

  if (path === '') return new InputError('""', field, undefined, 'the path is empty; give a file path');
  const hint = ERROR_CODE_HINTS[code];
  return hint === undefined ? undefined : new InputError(path, field, undefined, hint);
}

/** Stats `path`, or returns undefined when nothing exists there; other failures become InputErrors. */
export function statPath(path: string, field: string): Stats | undefined {
  // Node reports an empty path as a missing file named "", which reads as a broken message.
  if (path === '') throw new InputError('""', field, undefined, 'the path is empty; give a file path');
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a parent is a file, so nothing can exist at `path`.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw fileSystemInputError(error, field) ?? error;
  }
}

function isAccessible(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks that `path` is an existing, readable file. `nextStep` ends the message when it is missing
 * or a folder, such as "give the path of a sweep spec YAML file".
 */
export function checkInputFile(path: string, field: string, nextStep: string): void {
  const stats = statPath(path, field);
  if (stats === undefined) throw new InputError(path, field, undefined, `not found; ${nextStep}`);
  if (stats.isDirectory()) throw new InputError(path, field, undefined, `is a folder, not a file; ${nextStep}`);
  if (!isAccessible(path, constants.R_OK)) throw new InputError(path, field, undefined, 'permission denied; check the permissions of the file');
}

/**
 * Checks that a file can be written at `path`: it is not a folder, is writable if it exists, and
 * its folder exists (or, with `createFolder`, is created) and is writable. `exampleName` is a
 * file name for the hint when `path` is a folder, such as `results.csv`.
 */
export function checkOutputFile(path: string, field: string, { createFolder = false, exampleName = 'out' } = {}): void {
  const stats = statPath(path, field);
  if (stats?.isDirectory()) {
    throw new InputError(path, field, undefined, `is a folder; give a file path, such as ${join(path, exampleName)}`);
  }
  if (stats !== undefined) {
    if (!isAccessible(path, constants.W_OK)) throw new InputError(path, field, undefined, 'is not writable; check its permissions or choose another path');
    return;
  }

  const folder = dirname(path);
  const folderStats = statPath(folder, field);
  if (folderStats === undefined) {
    if (!createFolder) throw new InputError(path, field, undefined, `folder ${folder} does not exist; create it first or choose another path`);
    createFolderAt(folder, field);
    return;
  }
  if (!folderStats.isDirectory()) throw new InputError(path, field, undefined, `${folder} is a file, not a folder; choose another path`);
  if (!isAccessible(folder, constants.W_OK)) throw new InputError(path, field, undefined, `folder ${folder} is not writable; choose another path`);
}

/**
 * Rejects an output path that names one of the command's input files, so that writing the output
 * cannot destroy an input. `inputs` maps each input option (such as `--problem`) to its path; paths
 * are compared after resolving symbolic links, so two spellings of one file match.
 */
export function checkNotAnInput(path: string, field: string, inputs: Record<string, string | undefined>): void {
  const output = canonicalPath(path);
  for (const [option, input] of Object.entries(inputs)) {
    if (input !== undefined && canonicalPath(input) === output) {
      throw new InputError(path, field, undefined, `is also the ${option} input file, which writing would overwrite; choose another output path`);
    }
  }
}

/** The absolute path with symbolic links resolved, or only made absolute when it does not exist. */
function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Checks that `path` is a writable folder, creating it (and its parents) when it does not exist. */
export function checkOutputFolder(path: string, field: string): void {
  const stats = statPath(path, field);
  if (stats !== undefined && !stats.isDirectory()) throw new InputError(path, field, undefined, 'is a file, not a folder; give a folder path');
  if (stats === undefined) createFolderAt(path, field);
  if (!isAccessible(path, constants.W_OK)) throw new InputError(path, field, undefined, 'folder is not writable; choose another path');
}

function createFolderAt(folder: string, field: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new InputError(folder, field, undefined, 'cannot create this folder because a part of the path is a file; choose another path');
    throw fileSystemInputError(error, field) ?? error;
  }
}

