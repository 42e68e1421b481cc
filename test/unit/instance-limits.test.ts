import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { limitsFile, shippedLimits } from '../../src/limits/instance-limits.js';
import { branchLimit, eniMaxPods, podCapacity } from '../../src/limits/pod-capacity.js';
import type { InstanceLimits } from '../../src/limits/types.js';

/**
 * The oracle: the upstream tables in ../shared/data (CI checks the repository out with shared/ beside
 * it). Missing oracle data fails the suite: a silently skipped comparison would prove nothing.
 */
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const oracle = (name: string): string => {
  const path = join(SHARED, name);
  if (!existsSync(path)) throw new Error(`oracle file ${name} not found in ../shared/data (expected beside the repository checkout); the limits tests compare data/instance-limits.json against it`);
  return readFileSync(path, 'utf8');
};

describe('data/instance-limits.json against the upstream tables', () => {
  test('max pods equals eni-max-pods.txt for every instance type it lists', () => {
    const rows = oracle('eni-max-pods.txt').split('\n').map((l) => /^([a-z0-9][\w.-]*)\s+(\d+)\s*$/.exec(l)).filter((m) => m !== null);
    expect(rows.length).toBeGreaterThan(1000);
    const wrong: string[] = [];
    for (const [, type, pods] of rows) {
      const l = shippedLimits(type!);
      if (!l || eniMaxPods(l) !== Number(pods)) wrong.push(`${type}: ${l ? eniMaxPods(l) : 'missing'} != ${pods}`);
    }
    expect(wrong).toEqual([]);
  });

  test("branch limits and trunking equal the resource controller's table; types it lacks have none", () => {
    const rc = JSON.parse(oracle('vpc-limits.json')) as { instanceTypes: Record<string, { branchInterfaces: number; isTrunkingCompatible: boolean }> };
    const wrong: string[] = [];
    for (const [type, r] of Object.entries(rc.instanceTypes)) {
      const l = shippedLimits(type);
      if (l?.branchInterfaces !== r.branchInterfaces || l.trunking !== r.isTrunkingCompatible) wrong.push(type);
    }
    expect(wrong).toEqual([]);
    for (const [type, l] of Object.entries(limitsFile().instanceTypes)) {
      if (!Object.hasOwn(rc.instanceTypes, type)) expect([type, l.branchInterfaces, l.trunking]).toEqual([type, null, null]);
    }
  });

  test('the provenance names the inputs it was generated from (regenerate: npx tsx scripts/gen-instance-limits.ts)', () => {
    const inputs = limitsFile().provenance.inputs;
    expect(inputs.map((i) => i.file)).toEqual(['vpc-limits.json', 'cni-instance-limits.json', 'eni-max-pods.txt']);
    for (const i of inputs) expect(`${i.file} ${createHash('sha256').update(oracle(i.file)).digest('hex')}`).toBe(`${i.file} ${i.sha256}`);
  });
});

const L = (type: string): InstanceLimits => {
  const l = shippedLimits(type);
  if (!l) throw new Error(`${type} not in the table`);
  return l;
};
const none = { prefixDelegation: false, customNetworking: false, securityGroupsForPods: false };

describe('pod capacity', () => {
  test('documented examples: m5.large 29, c5.4xlarge 234, t3.medium 17; m5.large has 9 branch ENIs', () => {
    expect(podCapacity(L('m5.large'), none).maxPods).toBe(29);
    expect(podCapacity(L('c5.4xlarge'), none).maxPods).toBe(234);
    expect(podCapacity(L('t3.medium'), none).maxPods).toBe(17);
    expect(branchLimit(L('m5.large'))).toBe(9);
    expect(branchLimit(L('c5.4xlarge'))).toBe(54);
  });

  test('the trunk takes one slot, custom networking another', () => {
    expect(podCapacity(L('m5.large'), { ...none, securityGroupsForPods: true })).toMatchObject({ podEniSlots: 2, podIps: 18, maxPods: 20, trunkSlot: true });
    expect(podCapacity(L('m5.large'), { ...none, customNetworking: true })).toMatchObject({ podEniSlots: 2, podIps: 18 });
    expect(podCapacity(L('m5.large'), { ...none, customNetworking: true, securityGroupsForPods: true })).toMatchObject({ podEniSlots: 1, podIps: 9, maxPods: 11 });
  });

  test('no trunk slot on a type that cannot trunk; such a type has no branch ENIs', () => {
    expect(podCapacity(L('t3.medium'), { ...none, securityGroupsForPods: true })).toMatchObject({ trunkSlot: false, maxPods: 17 });
    expect(branchLimit(L('t3.medium'))).toBe(0);
  });

  test('prefix delegation: x16 per slot on Nitro, not on bare metal or Xen', () => {
    // m5.8xlarge: 8 ENIs x 29 x 16 + 2 (the calculator then caps at 250; kubelet's maxPods is what caps a node).
    expect(podCapacity(L('m5.8xlarge'), { ...none, prefixDelegation: true })).toMatchObject({ prefixDelegation: true, podIps: 8 * 29 * 16 });
    expect(podCapacity(L('c5.metal'), { ...none, prefixDelegation: true })).toMatchObject({ prefixDelegation: false, prefixDelegationNotApplied: 'bare-metal', maxPods: 737 });
    expect(podCapacity(L('m4.large'), { ...none, prefixDelegation: true })).toMatchObject({ prefixDelegation: false, prefixDelegationNotApplied: 'not-nitro' });
  });

  test('multiple network cards: only the default card counts', () => {
    const l = L('p5.48xlarge');
    expect(l.networkCards).toBe(32);
    expect(l.totalEnis).toBe(64);
    expect(podCapacity(l, none).maxPods).toBe(2 * 49 + 2);
  });
});
