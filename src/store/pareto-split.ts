// The Pareto front of a whole sweep. A large sweep is read as two ranges of design point ids, the
// upper one in a worker thread, so that reading a million rows out of SQLite and parsing them uses
// both cores. The function stays synchronous for its callers: the main thread reads its own range,
// then blocks in Atomics.wait until the worker signals, and takes the worker's reply with
// receiveMessageOnPort.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

import { compiledPath } from '../compiled-path.js';
import type { Db } from './open.js';
import { paretoIndices, type ObjectiveName } from './pareto.js';
import { scanRange, type RangeFront, type ScanRequest } from './pareto-scan.js';

/**
 * Design points from which the scan is split. Starting the worker thread and opening the database
 * there takes about 50 ms, which pays off from roughly this many points on.
 */
export const SPLIT_FROM_POINTS = 100_000;

/** How long the main thread waits for the worker beyond its own scan time, in ms, before it reads the range itself. */
const WORKER_GRACE_MS = 60_000;

export interface SweepFront {
  /** Design points left out because a layer failed or has no result yet. */
  incomplete: number;
  /** Complete design points considered. */
  considered: number;
  /** Ids of the non-dominated design points, in no particular order. */
  ids: number[];
  /** Ranges of ids that a worker thread read: 0, or 1 when the scan was split. */
  workerRanges: number;
}

/** Worker data of src/store/pareto-scan-worker.ts. */
export interface ScanWorkerData {
  path: string;
  request: ScanRequest;
  port: MessagePort;
  /** Set to 1, with Atomics.notify, after the reply is posted. */
  signal: Int32Array;
}

export type ScanReply = { front: RangeFront } | { error: string };

/**
 * Finds the non-dominated complete design points of a sweep, for `network` or summed over all
 * networks. Reads committed data only when it splits, so call it outside a write transaction.
 */
export function scanSweepFront(db: Db, sweepId: number, objectives: ObjectiveName[], network: string | undefined, splitFromPoints = SPLIT_FROM_POINTS): SweepFront {
  const span = idSpan(db, sweepId, network);
  if (span === undefined) return { incomplete: 0, considered: 0, ids: [], workerRanges: 0 };

  const request: ScanRequest = { sweepId, network, objectives, firstId: span.first, lastId: span.last };
  if (span.last - span.first + 1 < splitFromPoints || !canSplit(db)) return frontOfFronts([scanRange(db, request)], 0);
  const { ranges, workerRanges } = scanInTwo(db, request);
  return frontOfFronts(ranges, workerRanges);
}

/**
 * Returns the smallest and largest design point id with a result row, from the primary key's index
 * (sweep_id, network, design_point_id). The networks are found by a loose index scan, one index
 * lookup each, and each MIN and MAX is its own subquery, because SQLite reads a lone MIN or MAX
 * from the index but scans the rows for both together.
 */
function idSpan(db: Db, sweepId: number, network: string | undefined): { first: number; last: number } | undefined {
  const networks =
    network === undefined
      ? `WITH RECURSIVE n(network) AS (
           SELECT MIN(network) FROM network_results WHERE sweep_id = :sweep
           UNION ALL
           SELECT (SELECT MIN(network) FROM network_results WHERE sweep_id = :sweep AND network > n.network) FROM n WHERE n.network IS NOT NULL)`
      : 'WITH n(network) AS (SELECT :network)';
  const bound = (aggregate: 'MIN' | 'MAX') => `(SELECT ${aggregate}(design_point_id) FROM network_results WHERE sweep_id = :sweep AND network = n.network)`;
  const sql = `${networks} SELECT MIN(${bound('MIN')}), MAX(${bound('MAX')}) FROM n WHERE n.network IS NOT NULL`;
  const [first, last] = db.prepare(sql).raw().get(network === undefined ? { sweep: sweepId } : { sweep: sweepId, network }) as [number | null, number | null];
  return first === null || last === null ? undefined : { first, last };
}

/** Checks that a second connection would read the same data: a file database outside a transaction. */
function canSplit(db: Db): boolean {
  return !db.memory && db.name !== '' && !db.inTransaction && availableParallelism() > 1 && existsSync(workerFile());
}

/** Reads the lower half of the ids here and the upper half in a worker thread. */
function scanInTwo(db: Db, request: ScanRequest): { ranges: RangeFront[]; workerRanges: number } {
  const middle = Math.floor((request.firstId + request.lastId) / 2);
  const upper: ScanRequest = { ...request, firstId: middle + 1 };
  const reply = startWorkerScan(db.name, upper);

  const start = performance.now();
  const lower = scanRange(db, { ...request, lastId: middle });
  const front = reply(performance.now() - start + WORKER_GRACE_MS);
  // A worker that failed or did not reply in time costs speed, not the result.
  return front === undefined ? { ranges: [lower, scanRange(db, upper)], workerRanges: 0 } : { ranges: [lower, front], workerRanges: 1 };
}

/** Starts a worker on one range; the returned function waits up to `waitMs` for its front. */
function startWorkerScan(path: string, request: ScanRequest): (waitMs: number) => RangeFront | undefined {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const data: ScanWorkerData = { path, request, port: port2, signal };
  const worker = new Worker(workerFile(), { workerData: data, transferList: [port2] });
  // The worker ends by itself after it replies; unref keeps it from holding the process open.
  worker.unref();

  return (waitMs) => {
    Atomics.wait(signal, 0, 0, waitMs);
    const reply = receiveMessageOnPort(port1)?.message as ScanReply | undefined;
    port1.close();
    if (reply !== undefined && 'front' in reply) return reply.front;
    void worker.terminate();
    return undefined;
  };
}

/** Computes the front of the union of the ranges' fronts. */
function frontOfFronts(parts: RangeFront[], workerRanges: number): SweepFront {
  const incomplete = parts.reduce((sum, part) => sum + part.incomplete, 0);
  const considered = parts.reduce((sum, part) => sum + part.considered, 0);
  if (parts.length === 1) return { incomplete, considered, ids: parts[0].ids, workerRanges };

  const ids = parts.flatMap((part) => part.ids);
  const columns = parts[0].values.map((_, objective) => Float64Array.from(parts.flatMap((part) => part.values[objective])));
  return { incomplete, considered, ids: Array.from(paretoIndices(columns), (index) => ids[index]), workerRanges };
}

function workerFile(): string {
  return compiledPath(import.meta.url, 'src/store/pareto-scan-worker.js');
}
