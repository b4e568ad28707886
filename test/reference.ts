// Where the shared Timeloop reference cases are: in `shared/reference` beside the repository.
// Test files that need them throughout are listed in vitest.config.ts; others guard single tests.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REFERENCE_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'reference');
export const CASES_DIR = join(REFERENCE_DIR, 'cases');
export const HAVE_REFERENCE = existsSync(CASES_DIR);
