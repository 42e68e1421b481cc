import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './args.js';
import type { Entry } from './build.js';
import { Child } from './child.js';
import type { EstateSize, Expected } from './estate/types.js';
import { spread, type Spread } from './measure/stats.js';
import type { CheckResult } from './phases/check.js';
import type { CollectResult } from './phases/collect.js';
import type { OpStats, StandInStats } from './stand-in/counters.js';
import type { StandInSpec } from './stand-in/main.js';
import { verifySweep } from './verify.js';

export const BENCH_ENV = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
export const REGION = 'us-east-1';

export interface Ready {
  type: 'ready';
  url: string;
  kubeUrl: string;
  caData: string;
  expected: Expected;
  minimum: Record<string, number>;
  generateMs: number;
}

export interface OpRow extends OpStats {
  minimum: number;
}

export interface SizeResult {
  size: EstateSize;
  generateMs: number;
  collect: {
    wallMs: Spread;
    cpuMs: Spread;
    peakRssMb: Spread;
    baselineRssMb: number;
    runs: Array<Omit<CollectResult, 'type'>>;
  };
  requests: { byOp: Record<string, OpRow>; total: number; minimum: number; ratio: number };
  /** Bytes the auditor received (server sockets, headers and TLS included) and response bodies alone. */
  bytesReceived: { wire: number; bodies: number };
  check: {
    wallMs: Spread;
    cpuMs: Spread;
    buildCpuMs: Spread;
    checksCpuMs: Spread;
    peakRssMb: number;
    inputRssMb: number;
    pinnedTo: string | null;
    findingsByCode: Record<string, number>;
  };
  problems: string[];
}

/**
 * One size: a stand-in process serving the estate; `repeat` collection processes (counters reset
 * before each); one check process on the last collection's raw answers, pinned to a core.
 */
export async function runSize(size: EstateSize, args: BenchArgs, bundles: Record<Entry, string>, log: (s: string) => void): Promise<SizeResult> {
  const spec: StandInSpec = { size, generate: { seed: args.seed }, server: { latencyMs: args.latencyMs, warm: true } };
  const standIn = new Child(bundles['stand-in'], spec, { env: BENCH_ENV });
  const rawFile = join(tmpdir(), `vpc-cni-auditor-bench-${process.pid}-${size.enis}.v8`);
  try {
    const ready = await standIn.next<Ready>('ready');
    log(`  estate generated in ${(ready.generateMs / 1000).toFixed(1)} s`);
    const runs: CollectResult[] = [];
    let stats: StandInStats | null = null;
    const repeat = args.repeat ?? (size.enis < 50_000 ? 2 : 1);
    for (let r = 0; r < repeat; r++) {
      await standIn.request({ type: 'reset' }, 'reset');
      const collector = new Child(bundles.collect, { url: ready.url, region: REGION, rawFile }, { env: BENCH_ENV });
      const res = await collector.next<CollectResult>('collected');
      await collector.stop();
      runs.push(res);
      stats = (await standIn.request<{ type: 'stats'; stats: StandInStats }>({ type: 'stats' }, 'stats')).stats;
      log(`  collect ${r + 1}/${repeat}: ${(res.timing.wallMs / 1000).toFixed(1)} s wall, ${(res.timing.cpuMs / 1000).toFixed(1)} s CPU, peak ${res.peakRssMb} MB`);
    }
    const checker = new Child(bundles.check, { rawFile, repeat: args.checkRepeat }, { env: BENCH_ENV, nodeArgs: ['--expose-gc'], ...(args.pin ? { cpus: args.pin } : {}) });
    const checked = await checker.next<CheckResult>('checked');
    await checker.stop();
    const totals = checked.reps.map((r) => r.total);
    log(`  check: median ${spread(totals.map((t) => t.cpuMs)).median.toFixed(0)} ms CPU, peak ${Math.max(...checked.reps.map((r) => r.peakRssMb))} MB`);

    const ops = stats?.ops ?? {};
    const byOp: Record<string, OpRow> = {};
    for (const key of new Set([...Object.keys(ops), ...Object.keys(ready.minimum)])) {
      byOp[key] = { ...(ops[key] ?? { requests: 0, throttled: 0, errors: 0, bytesIn: 0, bytesOut: 0, items: 0 }), minimum: ready.minimum[key] ?? 0 };
    }
    const total = Object.values(byOp).reduce((a, o) => a + o.requests, 0);
    const minimum = Object.values(byOp).reduce((a, o) => a + o.minimum, 0);
    const last = runs[runs.length - 1]!;
    const deletedClusters = last.counts.deletedClusters;
    const problems = verifySweep(ready.expected, last, checked, ops, deletedClusters);
    return {
      size,
      generateMs: ready.generateMs,
      collect: {
        wallMs: spread(runs.map((r) => r.timing.wallMs)),
        cpuMs: spread(runs.map((r) => r.timing.cpuMs)),
        peakRssMb: spread(runs.map((r) => r.peakRssMb)),
        baselineRssMb: last.baselineRssMb,
        runs: runs.map(({ type: _t, ...r }) => r),
      },
      requests: { byOp, total, minimum, ratio: total / minimum },
      bytesReceived: { wire: stats?.wire.bytesWritten ?? 0, bodies: Object.values(ops).reduce((a, o) => a + o.bytesOut, 0) },
      check: {
        wallMs: spread(totals.map((t) => t.wallMs)),
        cpuMs: spread(totals.map((t) => t.cpuMs)),
        buildCpuMs: spread(checked.reps.map((r) => r.build.cpuMs)),
        checksCpuMs: spread(checked.reps.map((r) => r.checks.cpuMs)),
        peakRssMb: Math.max(...checked.reps.map((r) => r.peakRssMb)),
        inputRssMb: checked.inputRssMb,
        pinnedTo: args.pin,
        findingsByCode: checked.findingsByCode,
      },
      problems,
    };
  } finally {
    standIn.proc.send?.({ type: 'close' });
    await standIn.stop();
    rmSync(rawFile, { force: true });
  }
}
