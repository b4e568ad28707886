import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { InputError } from '../src/input-error.js';
import { openStore } from '../src/store/open.js';
import { planChanges } from '../src/store/plan-changes.js';
import { scanSweepFront } from '../src/store/pareto-split.js';
import { sweepJobCounts, tallySweepJobs } from '../src/store/job-tally.js';
import { designPointResults, paretoFront, parseObjectives, type ParetoFront } from '../src/store/queries.js';
import { jobResultWriter, registerSweep, sweepsSharingJobs, updateNetworkResults } from '../src/store/write.js';
import { planSweep, type SweepPlan } from '../src/sweep/planner.js';
import { parseSweepSpec } from '../src/sweep/spec.js';
import type { JobResult } from '../src/sweep/worker.js';

const SPEC = `
name: store-test
architecture:
  design: simba
  grid:
    pes: [4, 16]
networks: [alexnet, vgg16]
mapper: {name: cosa, time_limit_s: 1}
clock_ghz: 2
`;

function freshDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'cosa-store-')), 'results.sqlite');
}

/** Builds a made-up result whose figures identify the job, so sums can be checked exactly. */
function fakeResult(plan: SweepPlan, key: string): JobResult {
  const index = plan.jobs.findIndex((job) => job.key === key);
  return { key, status: 'done', cycles: 1000 + index, energyPJ: 10 * (index + 1), solveSeconds: 0.1, workerSeconds: 0.2, mapperStatus: 'optimal' };
}

describe('results store', () => {
  it('stores the spec path as an absolute path', () => {
    const db = openStore(freshDbPath(), { create: true });
    registerSweep(db, planSweep(parseSweepSpec(SPEC, 'spec.yaml')));
    expect(db.prepare('SELECT spec_path FROM sweeps').pluck().get()).toBe(resolve('spec.yaml'));
    db.close();
  });

  it('sums layers x repeats and marks networks with missing or failed layers incomplete', () => {
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    const sweepId = registerSweep(db, plan);
    const write = jobResultWriter(db);

    // Everything but the first AlexNet layer's job of design point 0 finishes; that one fails.
    const failedKey = plan.pointJobs.find((entry) => entry.pointIndex === 0 && entry.layerKey === plan.layers[0].layerKey)!.jobKey;
    write(plan.jobs.map((job) => (job.key === failedKey ? { key: job.key, status: 'failed', reason: 'injected' } : fakeResult(plan, job.key))));
    updateNetworkResults(db, sweepId);

    for (const point of plan.points) {
      for (const network of ['alexnet', 'vgg16']) {
        const row = designPointResults(db, sweepId, network).find((result) => result.pointIndex === point.index)!;
        const layers = plan.layers.filter((layer) => layer.network === network);
        const keys = layers.map((layer) => plan.pointJobs.find((entry) => entry.pointIndex === point.index && entry.layerKey === layer.layerKey)!.jobKey);
        const expectedFailed = keys.filter((key) => key === failedKey).length;
        expect(row.failedLayers).toBe(expectedFailed);
        expect(row.areaUm2).toBeCloseTo(point.areaUm2);
        if (expectedFailed > 0) {
          expect(row.complete).toBe(false);
          expect(row.latencyCycles).toBeNull();
          expect(row.energyPJ).toBeNull();
          continue;
        }

        const cycles = layers.reduce((sum, layer, i) => sum + fakeResult(plan, keys[i]).cycles! * layer.repeats, 0);
        const energy = layers.reduce((sum, layer, i) => sum + fakeResult(plan, keys[i]).energyPJ! * layer.repeats, 0);
        expect(row.complete).toBe(true);
        expect(row.latencyCycles).toBe(cycles);
        expect(row.latencyS).toBeCloseTo(cycles / 2e9, 15);
        expect(row.energyPJ).toBe(energy);
        expect(row.edpJCycles).toBeCloseTo(energy * 1e-12 * cycles, 12);
      }
    }

    // Summed over networks, design point 0 is incomplete and left out of the front.
    const front = paretoFront(db, sweepId, ['latency', 'energy'], undefined);
    expect(front.incomplete).toBe(1);
    expect(front.front.map((point) => point.pointIndex)).toEqual([1]);
    db.close();
  });

  it('tallies each distinct job once when design points share their hardware', () => {
    // A third design point with point 0's hardware, as two grid values that resolve to the same
    // architecture give: its layers map to point 0's jobs. alexnet and vgg16 share no layer shape.
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    plan.points.push({ ...plan.points[0], index: 2, parameters: { pes: 4.0 } });
    plan.pointJobs.push(...plan.pointJobs.filter((entry) => entry.pointIndex === 0).map((entry) => ({ ...entry, pointIndex: 2 })));
    const db = openStore(freshDbPath(), { create: true });
    const sweepId = registerSweep(db, plan);

    // Of the jobs in plan order: every third fails, every fifth is time-limited, a quarter stay pending.
    const finished = plan.jobs.slice(0, Math.ceil((plan.jobs.length * 3) / 4));
    jobResultWriter(db)(
      finished.map((job, index) =>
        index % 3 === 0
          ? { key: job.key, status: 'failed', reason: index % 2 === 0 ? 'even' : 'odd' }
          : { ...fakeResult(plan, job.key), mapperStatus: index % 5 === 0 ? 'time_limit' : 'optimal' },
      ),
    );

    const expected = (keys: Set<string>) => {
      const rows = finished.map((job, index) => ({ key: job.key, failed: index % 3 === 0, timeLimited: index % 3 !== 0 && index % 5 === 0 }));
      const inSet = rows.filter((row) => keys.has(row.key));
      return {
        total: keys.size,
        done: inSet.filter((row) => !row.failed).length,
        failed: inSet.filter((row) => row.failed).length,
        pending: keys.size - inSet.length,
        timeLimited: inSet.filter((row) => row.timeLimited).length,
      };
    };
    const keysOf = (network?: string) =>
      new Set(plan.pointJobs.filter((entry) => network === undefined || plan.layers.some((layer) => layer.network === network && layer.layerKey === entry.layerKey)).map((entry) => entry.jobKey));

    const tally = tallySweepJobs(db, sweepId);
    expect(keysOf().size).toBe(plan.jobs.length);
    expect(tally.all).toEqual(expected(keysOf()));
    expect(tally.all.timeLimited).toBeGreaterThan(0);
    expect(tally.byNetwork).toEqual(['alexnet', 'vgg16'].map((network) => ({ network, ...expected(keysOf(network)) })));
    const failedByReason = (parity: number) => finished.filter((_, index) => index % 3 === 0 && index % 2 === parity).length;
    expect(new Map(tally.failureReasons.map((row) => [row.reason, row.jobs]))).toEqual(new Map([['even', failedByReason(0)], ['odd', failedByReason(1)]]));
    expect(sweepJobCounts(db, sweepId)).toEqual(tally.all);
    db.close();
  });

  it('counts pending jobs before any result is written', () => {
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    const sweepId = registerSweep(db, plan);
    updateNetworkResults(db, sweepId);

    expect(sweepJobCounts(db, sweepId)).toEqual({ total: plan.jobs.length, done: 0, failed: 0, pending: plan.jobs.length, timeLimited: 0 });
    const tally = tallySweepJobs(db, sweepId);
    expect(tally.all).toEqual({ total: plan.jobs.length, done: 0, failed: 0, pending: plan.jobs.length, timeLimited: 0 });
    expect(tally.byNetwork.map((row) => row.network)).toEqual(['alexnet', 'vgg16']);
    expect(tally.byNetwork.every((row) => row.pending === row.total && row.total > 0)).toBe(true);
    expect(designPointResults(db, sweepId, 'alexnet').every((row) => !row.complete && row.missingLayers > 0)).toBe(true);
    db.close();
  });

  it('keeps a sweep whose stored hash covered its job timeout', () => {
    // Earlier versions hashed job_timeout_s with the rest of the spec.
    const spec = `${SPEC}job_timeout_s: 40\n`;
    const plan = planSweep(parseSweepSpec(spec, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    const first = registerSweep(db, plan);
    db.prepare('UPDATE sweeps SET spec_hash = ?').run('hash-with-job-timeout');

    const edited = planSweep(parseSweepSpec(spec.replace('job_timeout_s: 40', 'job_timeout_s: 90'), 'spec.yaml'));
    expect(edited.spec.specHash).toBe(plan.spec.specHash);
    expect(registerSweep(db, edited)).toBe(first);
    expect(db.prepare('SELECT spec_hash FROM sweeps').pluck().all()).toEqual([plan.spec.specHash]);

    // The error names the field that differs, never the timeout, which is not part of the identity.
    const batched = planSweep(parseSweepSpec(`${spec.replace('job_timeout_s: 40', 'job_timeout_s: 90')}batch: 2\n`, 'spec.yaml'));
    expect(() => registerSweep(db, batched)).toThrow(/differs from it at batch\)/);
    db.close();
  });

  it('counts design points and layer shapes that changed since the stored plan', () => {
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    expect(planChanges(db, plan)).toBeUndefined();
    registerSweep(db, plan);
    expect(planChanges(db, plan)).toEqual({ changedPoints: 0, newLayerShapes: 0 });

    // As an edited architecture file and an edited layer give: new point and layer keys.
    const edited: SweepPlan = {
      ...plan,
      points: plan.points.map((point, index) => (index === 0 ? { ...point, key: 'edited-hardware' } : point)),
      layers: plan.layers.map((layer, index) => (index === 0 ? { ...layer, layerKey: 'edited-shape' } : layer)),
    };
    expect(planChanges(db, edited)).toEqual({ changedPoints: 1, newLayerShapes: 1 });
    db.close();
  });

  it('registers the same plan idempotently', () => {
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    const first = registerSweep(db, plan);
    jobResultWriter(db)([fakeResult(plan, plan.jobs[0].key)]);
    jobResultWriter(db)([fakeResult(plan, plan.jobs[0].key)]);
    expect(registerSweep(db, plan)).toBe(first);
    expect(db.prepare('SELECT COUNT(*) FROM sweeps').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM design_points').pluck().get()).toBe(plan.points.length);
    db.close();
  });

  it('uses WAL mode', () => {
    const db = openStore(freshDbPath(), { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('rejects another schema version', () => {
    const path = freshDbPath();
    openStore(path, { create: true }).close();
    const raw = new Database(path);
    raw.prepare('UPDATE schema_version SET version = 99').run();
    raw.close();

    expect(() => openStore(path)).toThrow(InputError);
    expect(() => openStore(path)).toThrow(/schema_version = 99: this cosa reads schema version 1 only/);
  });

  it('rejects a database of another program unchanged', () => {
    const path = freshDbPath();
    const raw = new Database(path);
    raw.exec('CREATE TABLE things (id INTEGER)');
    raw.close();
    const before = readFileSync(path);

    expect(() => openStore(path)).toThrow(/not a results database/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('does not create a missing database unless asked', () => {
    const path = freshDbPath();
    expect(() => openStore(path)).toThrow(/results database not found/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('parseObjectives', () => {
  it('reads two or three names with spaces', () => {
    expect(parseObjectives('latency, energy,area')).toEqual(['latency', 'energy', 'area']);
  });

  it.each([
    ['latency,,energy', /an empty objective between commas/],
    ['latency,energy,', /an empty objective between commas/],
    ['speed,energy', /--objectives = "speed": unknown objective/],
    ['latency', /give 2 or 3 distinct objectives/],
    ['latency,latency', /give 2 or 3 distinct objectives/],
  ])('rejects %s', (text, message) => {
    expect(() => parseObjectives(text)).toThrow(message);
  });
});

describe('paretoFront over stored rows', () => {
  /** O(n²) reference over exact values. */
  function bruteForce(rows: number[][]): number[] {
    const dominates = (a: number[], b: number[]) => a.every((value, i) => value <= b[i]) && a.some((value, i) => value < b[i]);
    return rows.flatMap((row, index) => (rows.some((other) => dominates(other, row)) ? [] : [index]));
  }

  it('matches brute force on random doubles, per network and summed', () => {
    const db = openStore(freshDbPath(), { create: true });
    db.prepare(`INSERT INTO sweeps (spec_hash, name, spec_path, spec_text, clock_ghz, model_version, created_at)
      VALUES ('h', 'random', '-', '', 1, '-', '')`).run();
    const insertPoint = db.prepare(`INSERT INTO design_points (id, sweep_id, point_index, point_key, parameters_json, architecture_json, area_um2)
      VALUES (?, 1, ?, '', '{}', '{}', ?)`);
    const insertResult = db.prepare(`INSERT INTO network_results (design_point_id, sweep_id, network, complete, failed_layers, missing_layers,
      latency_cycles, latency_s, energy_pj, edp_j_cycles, area_um2) VALUES (?, 1, ?, ?, 0, 0, ?, ?, ?, ?, ?)`);

    let state = 7;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const count = 3000;
    const totals: number[][] = [];
    const complete: boolean[] = [];
    for (let i = 0; i < count; i++) {
      // Doubles with full mantissas, so any rounding on the way out of SQLite would show.
      const area = (1 + random()) * 1e6;
      insertPoint.run(i + 1, i, area);
      let latency = 0;
      let energy = 0;
      const isComplete = i % 97 !== 0;
      for (const network of ['a', 'b']) {
        const cycles = (1 / (0.1 + random())) * 1e5 * Math.PI;
        const pj = (0.5 + random()) * 1e9 * Math.E;
        latency += cycles;
        energy += pj;
        insertResult.run(i + 1, network, network === 'b' && !isComplete ? 0 : 1, cycles, cycles / 1e9, pj, pj * 1e-12 * cycles, area);
      }
      totals.push([latency, energy, area]);
      complete.push(isComplete);
    }

    const summed = paretoFront(db, 1, ['latency', 'energy', 'area']);
    const completeIndices = totals.map((_, index) => index).filter((index) => complete[index]);
    const expected = bruteForce(completeIndices.map((index) => totals[index])).map((position) => completeIndices[position]);
    expect(summed.front.map((row) => row.pointIndex).sort((a, b) => a - b)).toEqual(expected);
    expect(summed.incomplete).toBe(count - completeIndices.length);

    const perNetwork = paretoFront(db, 1, ['latency', 'energy'], 'a');
    const rowsA = designPointResults(db, 1, 'a');
    expect(perNetwork.front.map((row) => row.pointIndex).sort((a, b) => a - b)).toEqual(bruteForce(rowsA.map((row) => [row.latencyCycles!, row.energyPJ!])));
    expect(perNetwork.incomplete).toBe(0);

    // The same fronts with the upper half of the ids read in a worker thread.
    const ids = (front: ParetoFront) => front.front.map((row) => row.designPointId).sort((a, b) => a - b);
    for (const [objectives, network, unsplit] of [
      [['latency', 'energy', 'area'], undefined, summed],
      [['latency', 'energy'], 'a', perNetwork],
    ] as const) {
      const split = scanSweepFront(db, 1, [...objectives], network, 1);
      expect(split.workerRanges).toBe(1);
      expect(split.ids.sort((a, b) => a - b)).toEqual(ids(unsplit));
      expect([split.incomplete, split.considered]).toEqual([unsplit.incomplete, unsplit.considered]);
    }
    db.close();
  });

  it('keeps the better mapping when a job is solved again', () => {
    const plan = planSweep(parseSweepSpec(SPEC, 'spec.yaml'));
    const db = openStore(freshDbPath(), { create: true });
    registerSweep(db, plan);
    const write = jobResultWriter(db);
    const [good, worse] = plan.jobs.slice(0, 2).map((job) => job.key);
    const row = (key: string) => db.prepare('SELECT mapper_status AS status, energy_pj AS energy FROM jobs WHERE key = ?').get(key);

    write([
      { key: good, objective: 'energy', status: 'done', cycles: 100, energyPJ: 50, mapperStatus: 'time_limit' },
      { key: worse, objective: 'energy', status: 'done', cycles: 100, energyPJ: 80, mapperStatus: 'time_limit' },
    ]);
    write([
      { key: good, objective: 'energy', status: 'done', cycles: 90, energyPJ: 70, mapperStatus: 'optimal' },
      { key: worse, objective: 'energy', status: 'done', cycles: 120, energyPJ: 60, mapperStatus: 'optimal' },
    ]);

    expect(row(good)).toEqual({ status: 'optimal', energy: 50 });
    expect(row(worse)).toEqual({ status: 'optimal', energy: 60 });

    expect(write([{ key: good, objective: 'energy', status: 'failed', reason: 'timed out' }])).toBe(1);
    expect(row(good)).toEqual({ status: 'optimal', energy: 50 });
  });

  it('finds the sweeps that share jobs', () => {
    const db = openStore(freshDbPath(), { create: true });
    const first = registerSweep(db, planSweep(parseSweepSpec(SPEC, 'spec.yaml')));
    const sameJobs = registerSweep(db, planSweep(parseSweepSpec(SPEC.replace('name: store-test', 'name: same-jobs'), 'other.yaml')));
    const otherSpec = SPEC.replace('name: store-test', 'name: other-jobs').replace('pes: [4, 16]', 'pes: [8]');
    const otherJobs = registerSweep(db, planSweep(parseSweepSpec(otherSpec, 'third.yaml')));

    expect(sweepsSharingJobs(db, first).sort()).toEqual([first, sameJobs].sort());
    expect(sweepsSharingJobs(db, otherJobs)).toEqual([otherJobs]);
  });
});
