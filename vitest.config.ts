import { configDefaults, defineConfig } from 'vitest/config';

import { CASES_DIR, HAVE_REFERENCE } from './test/reference.js';

/** Test files that use the shared Timeloop reference cases throughout. */
const REFERENCE_TEST_FILES = [
  'test/cli-evaluate.test.ts',
  'test/cli-input-errors.test.ts',
  'test/mappers-baselines.test.ts',
  'test/mappers-cli.test.ts',
  'test/mappers-cosa.test.ts',
  'test/mappers-lp.test.ts',
  'test/mappers-multistart.test.ts',
  'test/mapping-parse.test.ts',
  'test/mapping-validate.test.ts',
  'test/mapping-write-print.test.ts',
];

if (!HAVE_REFERENCE) {
  if (process.env.CI) throw new Error(`reference cases not found in ${CASES_DIR}: CI must provide the shared reference folder`);
  console.warn(`reference cases not found in ${CASES_DIR}: skipping ${REFERENCE_TEST_FILES.length} test files that use them throughout, and single tests elsewhere`);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: HAVE_REFERENCE ? configDefaults.exclude : [...configDefaults.exclude, ...REFERENCE_TEST_FILES],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start their own worker pools; two test files at a time fit 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
