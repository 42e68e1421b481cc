import type { BenchArgs } from './args.js';
import type { Entry } from './build.js';
import { Child } from './child.js';
import type { CleanupResult } from './phases/cleanup.js';
import { BENCH_ENV, REGION, type Ready } from './run-size.js';
import type { StandInStats } from './stand-in/counters.js';
import type { StandInSpec } from './stand-in/main.js';

export interface CleanupBench {
  orphans: number;
  deleteBucket: { capacity: number; refillPerSecond: number };
  describeBucket: { capacity: number; refillPerSecond: number };
  concurrency: number | 'default';
  retryMode: string;
  result: Omit<CleanupResult, 'type'>;
  /** Of the refill rate: the share of the limit the run held. */
  shareOfLimit: number;
  deleteRequests: number;
  deletesThrottled: number;
  recheckRequests: number;
  rechecksThrottled: number;
  /** Orphans still in the stand-in after the run: deletions lost. */
  remaining: number;
}

/**
 * Cleanup throughput: an estate with `orphans` proven orphans, EC2's two buckets simulated
 * (DeleteNetworkInterface: mutating; the re-describe before each delete: non-mutating), the product's
 * scan, plan and execute. The estate is sized so the orphans sit among as many healthy ENIs.
 */
export async function runCleanupBench(args: BenchArgs, bundles: Record<Entry, string>, log: (s: string) => void): Promise<CleanupBench> {
  const deleteBucket = { capacity: args.cleanupBurst, refillPerSecond: args.cleanupRate };
  const describeBucket = { capacity: args.describeBurst, refillPerSecond: args.describeRate };
  const healthy = Math.max(4 * args.cleanup, 10_000);
  const spec: StandInSpec = {
    size: { enis: healthy, nodes: Math.round(healthy / 20), pods: 0, events: 0 },
    generate: { seed: args.seed, leaked: args.cleanup, ignoredEvery: 0 },
    server: { mutating: deleteBucket, nonMutating: describeBucket, latencyMs: args.latencyMs, warm: true },
  };
  const standIn = new Child(bundles['stand-in'], spec, { env: BENCH_ENV });
  try {
    const ready = await standIn.next<Ready>('ready');
    const worker = new Child(bundles.cleanup, { url: ready.url, region: REGION, maxDeletes: args.cleanup, ...(args.concurrency ? { concurrency: args.concurrency } : {}), ...(args.retryMode ? { retryMode: args.retryMode } : {}) }, { env: BENCH_ENV });
    const { type: _t, ...result } = await worker.next<CleanupResult>('cleaned');
    await worker.stop();
    const { stats } = await standIn.request<{ type: 'stats'; stats: StandInStats }>({ type: 'stats' }, 'stats');
    const { deletable } = await standIn.request<{ type: 'remaining'; deletable: number }>({ type: 'remaining' }, 'remaining');
    const del = stats.ops['ec2:DeleteNetworkInterface'];
    const recheck = stats.ops['ec2:DescribeNetworkInterfaces[network-interface-id]'];
    const out: CleanupBench = {
      orphans: args.cleanup,
      deleteBucket,
      describeBucket,
      concurrency: args.concurrency ?? 'default',
      retryMode: args.retryMode ? `${args.retryMode} (fresh client)` : 'product client',
      result,
      shareOfLimit: result.rate / args.cleanupRate,
      deleteRequests: del?.requests ?? 0,
      deletesThrottled: del?.throttled ?? 0,
      recheckRequests: recheck?.requests ?? 0,
      rechecksThrottled: recheck?.throttled ?? 0,
      remaining: deletable,
    };
    log(`  cleanup: ${result.deleted}/${args.cleanup} deleted in ${(result.execute.wallMs / 1000).toFixed(1)} s, ${result.rate.toFixed(1)}/s (${Math.round(out.shareOfLimit * 100)} % of ${args.cleanupRate}/s), ${out.deletesThrottled} throttled, ${deletable} left`);
    return out;
  } finally {
    standIn.proc.send?.({ type: 'close' });
    await standIn.stop();
  }
}
