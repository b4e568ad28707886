// Paths of compiled modules for worker threads, which load files with Node's own loader.
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the path of the compiled module `distPath` (relative to dist/, such as
 * 'src/sweep/worker.js'), which sits beside the caller's module. A caller imported from TypeScript
 * source (as in tests) still gets the file in dist/, which `npm run build` creates.
 */
export function compiledPath(callerUrl: string, distPath: string): string {
  const callerPath = fileURLToPath(callerUrl);
  if (callerPath.endsWith('.js')) return resolve(dirname(callerPath), basename(distPath));
  return resolve(dirname(callerPath), '../../dist', distPath);
}
