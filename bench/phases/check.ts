import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { runChecks } from '../../src/check/registry.js';
import { buildInventory } from '../../src/collect/build-inventory.js';
import type { RawAwsData } from '../../src/collect/raw.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import { childMain } from '../child.js';
import { RssSampler, heapUsedMb, maxRssMb, rssMb, timed, type Timing } from '../measure/phase.js';

export interface CheckPayload {
  rawFile: string;
  repeat: number;
}

export interface CheckRep {
  build: Timing;
  checks: Timing;
  /** build + checks: the check phase as the issue counts it (the inventory is built from raw answers first). */
  total: Timing;
  peakRssMb: number;
}

export interface CheckResult {
  type: 'checked';
  reps: CheckRep[];
  /** RSS with the raw answers loaded, before the first repetition. */
  inputRssMb: number;
  inputHeapMb: number;
  maxRssMb: number;
  findingsByCode: Record<string, number>;
  leakedIds: string[];
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const add = (a: Timing, b: Timing): Timing => ({ wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs, userMs: a.userMs + b.userMs, systemMs: a.systemMs + b.systemMs });

/**
 * The check phase on the raw answers the collection phase left behind: buildInventory then
 * runChecks, repeated, each repetition from scratch. Its own process (pinned to one core by the
 * runner), so collection's garbage does not count.
 */
childMain<CheckPayload>(async (p, send) => {
  let raw = deserialize(readFileSync(p.rawFile)) as RawAwsData;
  gc();
  const inputRssMb = rssMb();
  const inputHeapMb = heapUsedMb();
  const sampler = new RssSampler();
  const config = defaultConfig();
  const now = new Date(raw.collectedAt);
  const reps: CheckRep[] = [];
  let findingsByCode: Record<string, number> = {};
  let leakedIds: string[] = [];
  for (let r = 0; r < p.repeat; r++) {
    gc();
    await sampler.reset();
    const built = await timed(() => buildInventory(raw));
    const checked = await timed(() => runChecks(built.value, { now, config }));
    const peakRssMb = await sampler.peakMb();
    reps.push({ build: built.timing, checks: checked.timing, total: add(built.timing, checked.timing), peakRssMb });
    if (r === 0) {
      findingsByCode = {};
      for (const f of checked.value) findingsByCode[f.code] = (findingsByCode[f.code] ?? 0) + 1;
      leakedIds = checked.value.filter((f) => f.code.startsWith('LEAKED_')).map((f) => f.resource.id).sort();
    }
  }
  await sampler.close();
  raw = undefined as unknown as RawAwsData;
  const result: CheckResult = { type: 'checked', reps, inputRssMb, inputHeapMb, maxRssMb: maxRssMb(), findingsByCode, leakedIds };
  send(result);
  process.disconnect();
});
