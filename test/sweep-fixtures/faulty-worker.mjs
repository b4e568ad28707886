// A sweep worker for tests: the real compiled worker, except for the layer shapes named in the
// environment variable COSA_TEST_FAULTS (JSON: {"throw": [layer keys], "exit": [...], "hang": [...]}),
// whose jobs throw, end their worker thread, or never return.
import realWorker, { ping } from '../../dist/src/sweep/worker.js';

const faults = JSON.parse(process.env.COSA_TEST_FAULTS ?? '{}');

export { ping };

export default async function faultyWorker(job) {
  if (faults.throw?.includes(job.layerKey)) throw new Error(`injected failure for ${job.layerKey}`);
  if (faults.exit?.includes(job.layerKey)) process.exit(3);
  if (faults.hang?.includes(job.layerKey)) {
    for (;;) {
      // Busy loop: the runner's job timeout must terminate this thread.
    }
  }
  return realWorker(job);
}
