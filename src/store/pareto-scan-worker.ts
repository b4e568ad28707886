// Worker thread of src/store/pareto-split.ts: reads one range of design points on its own
// read-only connection and posts the range's front, or the error, then wakes the main thread.
import { workerData } from 'node:worker_threads';

import { openStore } from './open.js';
import { scanRange } from './pareto-scan.js';
import type { ScanReply, ScanWorkerData } from './pareto-split.js';

const { path, request, port, signal } = workerData as ScanWorkerData;

let reply: ScanReply;
try {
  const db = openStore(path, { readonly: true });
  try {
    reply = { front: scanRange(db, request) };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { error: error instanceof Error ? error.message : String(error) };
}

port.postMessage(reply);
port.close();
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
