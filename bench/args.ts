import { parseArgs } from 'node:util';
import { proportionalSize } from './estate/generate.js';
import type { EstateSize } from './estate/types.js';

export interface BenchArgs {
  sizes: EstateSize[];
  /** Collection runs per size (fresh process each); null: 2 below 50k ENIs, 1 from there (keeps the default run short). */
  repeat: number | null;
  /** Check-phase repetitions per size (one process, each from scratch). */
  checkRepeat: number;
  seed: number;
  /** Orphans for the cleanup run; 0 skips it. */
  cleanup: number;
  cleanupRate: number;
  cleanupBurst: number;
  describeRate: number;
  describeBurst: number;
  concurrency: number | undefined;
  /** Experiment: SDK retry mode of the cleanup's EC2 client (default: the product's client as is). */
  retryMode: 'standard' | 'adaptive' | undefined;
  /** CPU for the check phase (taskset -c); null: not pinned. */
  pin: string | null;
  latencyMs: number;
  json: string | null;
}

export const USAGE = `npm run bench -- [options]
  --sizes 1000,10000,100000   ENIs per size; N:nodes:pods:events sets all four (default: 20 ENIs a node, 1.5 pods and 0.1 events an ENI)
  --repeat N            collection runs per size (default: 2 below 50k ENIs, 1 above)
  --check-repeat 5      check-phase repetitions per size
  --cleanup 5000        orphans deleted in the cleanup run (0: skip it)
  --cleanup-rate 50     DeleteNetworkInterface bucket refill per second (--cleanup-burst 20: its size)
  --describe-rate 200   Describe* bucket refill per second during cleanup (--describe-burst 100)
  --concurrency N       executeCleanup concurrency (default: the product's)
  --retry-mode M        experiment: execute with a fresh client in SDK retry mode standard|adaptive (default: the product's client)
  --pin 1               CPU the check phase is pinned to (--pin none: not pinned)
  --latency-ms 0        added to every stand-in answer
  --seed 7              estate seed
  --json FILE           also write the results as JSON`;

const int = (name: string, v: string | undefined, dflt: number, min = 0): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
};

function retryMode(v: string | undefined): BenchArgs['retryMode'] {
  if (v === undefined || v === 'standard' || v === 'adaptive') return v;
  throw new Error(`--retry-mode must be standard or adaptive, got "${v}"`);
}

export function parseSize(spec: string): EstateSize {
  const parts = spec.split(':').map((p) => int('sizes', p, 0, 1));
  if (parts.length === 1) return proportionalSize(parts[0]!);
  if (parts.length !== 4) throw new Error(`--sizes entry "${spec}": N or ENIS:NODES:PODS:EVENTS`);
  const [enis, nodes, pods, events] = parts as [number, number, number, number];
  return { enis, nodes, pods, events };
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      sizes: { type: 'string' }, repeat: { type: 'string' }, 'check-repeat': { type: 'string' }, seed: { type: 'string' },
      cleanup: { type: 'string' }, 'cleanup-rate': { type: 'string' }, 'cleanup-burst': { type: 'string' },
      'describe-rate': { type: 'string' }, 'describe-burst': { type: 'string' }, concurrency: { type: 'string' }, 'retry-mode': { type: 'string' },
      pin: { type: 'string' }, 'latency-ms': { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    sizes: (values.sizes ?? '1000,10000,100000').split(',').map((s) => parseSize(s.trim())),
    repeat: values.repeat === undefined ? null : int('repeat', values.repeat, 2, 1),
    checkRepeat: int('check-repeat', values['check-repeat'], 5, 1),
    seed: int('seed', values.seed, 7),
    cleanup: int('cleanup', values.cleanup, 5000),
    cleanupRate: int('cleanup-rate', values['cleanup-rate'], 50, 1),
    cleanupBurst: int('cleanup-burst', values['cleanup-burst'], 20, 1),
    describeRate: int('describe-rate', values['describe-rate'], 200, 1),
    describeBurst: int('describe-burst', values['describe-burst'], 100, 1),
    concurrency: values.concurrency === undefined ? undefined : int('concurrency', values.concurrency, 4, 1),
    retryMode: retryMode(values['retry-mode']),
    pin: values.pin === 'none' ? null : (values.pin ?? '1'),
    latencyMs: int('latency-ms', values['latency-ms'], 0),
    json: values.json ?? null,
  };
}
