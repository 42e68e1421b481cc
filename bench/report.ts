import type { CleanupBench } from './run-cleanup.js';
import type { SizeResult } from './run-size.js';
import type { Spread } from './measure/stats.js';

const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const range = (x: Spread, f: (v: number) => string) => (x.n > 1 ? `${f(x.median)} (${f(x.min)}–${f(x.max)})` : f(x.median));
const ms0 = (v: number) => v.toFixed(0);
const mb = (bytes: number) => (bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0);

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i === 0 ? `${'-'.repeat(n + 1)}-` : `${'-'.repeat(n + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

const sizeLabel = (r: SizeResult) => `${r.size.enis}/${r.size.nodes}/${r.size.pods}/${r.size.events}`;

export function sizesTable(results: readonly SizeResult[]): string {
  return table(
    ['ENIs/nodes/pods/events', 'collect wall s', 'collect CPU s', 'requests (min)', 'ratio', 'MB received', 'collect peak RSS MB', 'check wall ms', 'check CPU ms', 'check peak RSS MB'],
    results.map((r) => [
      sizeLabel(r),
      range(r.collect.wallMs, s),
      range(r.collect.cpuMs, s),
      `${r.requests.total} (${r.requests.minimum})`,
      r.requests.ratio.toFixed(3),
      mb(r.bytesReceived.wire),
      range(r.collect.peakRssMb, (v) => v.toFixed(0)),
      range(r.check.wallMs, ms0),
      range(r.check.cpuMs, ms0),
      r.check.peakRssMb.toFixed(0),
    ]),
  );
}

export function requestsTable(r: SizeResult): string {
  const rows = Object.entries(r.requests.byOp).sort(([a], [b]) => a.localeCompare(b))
    .map(([op, o]) => [op, String(o.requests), String(o.minimum), o.minimum ? (o.requests / o.minimum).toFixed(2) : '-', String(o.items), mb(o.bytesOut)]);
  return table(['operation', 'requests', 'minimum', 'ratio', 'items', 'MB'], rows);
}

/** CPU per 1,000 ENIs (the estate grows in proportion): flat means linear growth. */
export function growthTable(results: readonly SizeResult[]): string {
  const base = results[0];
  return table(
    ['ENIs', 'collect CPU ms / 1k ENIs', 'check CPU ms / 1k ENIs', 'check CPU vs smallest size', 'check peak RSS MB'],
    results.map((r) => {
      const per = r.check.cpuMs.median / (r.size.enis / 1000);
      const basePer = base ? base.check.cpuMs.median / (base.size.enis / 1000) : per;
      return [String(r.size.enis), (r.collect.cpuMs.median / (r.size.enis / 1000)).toFixed(0), per.toFixed(1), `${(per / basePer).toFixed(2)}×`, r.check.peakRssMb.toFixed(0)];
    }),
  );
}

/** A bar per size, check-phase CPU, to see the curve at a glance. */
export function chart(results: readonly SizeResult[], width = 50): string {
  const max = Math.max(...results.map((r) => r.check.cpuMs.median));
  return results.map((r) => {
    const v = r.check.cpuMs.median;
    return `${String(r.size.enis).padStart(7)} ENIs | ${'#'.repeat(Math.max(1, Math.round((v / max) * width))).padEnd(width)} ${v.toFixed(0)} ms`;
  }).join('\n');
}

export function cleanupTable(c: CleanupBench): string {
  const r = c.result;
  return table(
    ['orphans', 'delete bucket', 'describe bucket', 'concurrency', 'client', 'deleted', 'lost', 'wall s', 'deletions/s', 'of limit', 'steady /s', 'deletes throttled', 'rechecks throttled'],
    [[
      String(c.orphans), `${c.deleteBucket.capacity} @ ${c.deleteBucket.refillPerSecond}/s`, `${c.describeBucket.capacity} @ ${c.describeBucket.refillPerSecond}/s`, String(c.concurrency), c.retryMode,
      String(r.deleted), String(c.remaining), s(r.execute.wallMs), r.rate.toFixed(1), `${(c.shareOfLimit * 100).toFixed(0)} %`,
      r.steadyRate?.toFixed(1) ?? '-', String(c.deletesThrottled), String(c.rechecksThrottled),
    ]],
  );
}

export interface GoalVerdict {
  goal: string;
  met: boolean | null;
  detail: string;
}

/** The issue's goals, judged from the measurements (null: not measured in this run). */
export function goals(results: readonly SizeResult[], cleanup: CleanupBench | null): GoalVerdict[] {
  const out: GoalVerdict[] = [];
  const big = results.find((r) => r.size.enis >= 100_000 && r.size.nodes >= 5000 && r.size.pods >= 150_000 && r.size.events >= 10_000);
  out.push(big
    ? { goal: 'check phase < 2 s on one core at 100k ENIs', met: big.check.cpuMs.max < 2000 && big.check.wallMs.median < 2000, detail: `CPU ${range(big.check.cpuMs, ms0)} ms, wall ${range(big.check.wallMs, ms0)} ms${big.check.pinnedTo ? ` pinned to CPU ${big.check.pinnedTo}` : ''}` }
    : { goal: 'check phase < 2 s on one core at 100k ENIs', met: null, detail: 'no 100k size in this run' });
  out.push(big
    ? { goal: 'check phase peak RSS < 512 MB at 100k ENIs', met: big.check.peakRssMb < 512, detail: `${big.check.peakRssMb.toFixed(0)} MB (raw answers loaded: ${big.check.inputRssMb.toFixed(0)} MB)` }
    : { goal: 'check phase peak RSS < 512 MB at 100k ENIs', met: null, detail: 'no 100k size in this run' });
  // Growth exponent between the smallest and largest size from 10k up (fixed costs blur 1k): 1 is linear.
  const measured = results.filter((r) => r.size.enis >= 10_000);
  const lo = measured[0];
  const hi = measured[measured.length - 1];
  if (lo && hi && hi !== lo) {
    const exponent = (t: (r: SizeResult) => number) => Math.log(t(hi) / t(lo)) / Math.log(hi.size.enis / lo.size.enis);
    const cpu = exponent((r) => r.check.cpuMs.median);
    const best = exponent((r) => r.check.wallMs.min);
    out.push({ goal: 'check phase grows linearly', met: Math.max(cpu, best) < 1.15, detail: `time ∝ size^k from ${lo.size.enis} to ${hi.size.enis} ENIs: k = ${cpu.toFixed(2)} (median CPU), ${best.toFixed(2)} (best wall)` });
  }
  const worst = results.reduce<SizeResult | null>((w, r) => (!w || r.requests.ratio > w.requests.ratio ? r : w), null);
  if (worst) {
    const overOps = results.flatMap((r) => Object.entries(r.requests.byOp).filter(([, o]) => o.requests > o.minimum * 1.05).map(([op, o]) => `${op} ${o.requests}/${o.minimum} at ${r.size.enis}`));
    out.push({ goal: 'API requests ≤ 1.05 × minimum, no per-item calls', met: worst.requests.ratio <= 1.05 && overOps.length === 0, detail: `worst total ratio ${worst.requests.ratio.toFixed(3)} (${worst.size.enis} ENIs)${overOps.length ? `; over per operation: ${overOps.join(', ')}` : ''}` });
  }
  out.push(cleanup
    ? { goal: 'cleanup holds ≥ 90 % of the rate limit, none lost', met: cleanup.shareOfLimit >= 0.9 && cleanup.remaining === 0 && cleanup.result.deleted === cleanup.orphans, detail: `${cleanup.result.rate.toFixed(1)}/s of ${cleanup.deleteBucket.refillPerSecond}/s (${(cleanup.shareOfLimit * 100).toFixed(0)} %), ${cleanup.remaining} left, ${cleanup.deletesThrottled} throttled` }
    : { goal: 'cleanup holds ≥ 90 % of the rate limit, none lost', met: null, detail: 'cleanup skipped (--cleanup 0)' });
  return out;
}

export const goalsTable = (g: readonly GoalVerdict[]): string =>
  table(['goal', 'verdict', 'measured'], g.map((v) => [v.goal, v.met === null ? 'not measured' : v.met ? 'met' : 'MISSED', v.detail]));
