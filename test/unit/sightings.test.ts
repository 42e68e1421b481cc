import { describe, expect, test } from '@jest/globals';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { runChecks } from '../../src/check/registry.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import { computeSightings, trackSightings, sightingsPartition } from '../../src/state/sightings.js';
import { MemoryStateStore } from '../../src/state/store.js';
import { eni, rawData, rcTags } from '../fixtures/raw.js';

const cfg = defaultConfig().cleanup;
const t0 = new Date('2026-01-01T12:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const leaked = (id: string, cluster = 'gone') => eni({ id, description: 'aws-k8s-branch-eni', tags: rcTags(cluster) });
const inv = (enis: ReturnType<typeof eni>[], over: Parameters<typeof rawData>[0] = {}) =>
  buildInventory(rawData({ networkInterfaces: enis, deletedClusters: ['gone'], ...over }));

async function sweep(store: MemoryStateStore, i: ReturnType<typeof inv>, now: Date) {
  return trackSightings(store, i, runChecks(i, { now, config: defaultConfig() }), cfg, now);
}

describe('orphan sightings (grace tracking)', () => {
  test('the age grows across sweeps from the first sighting', async () => {
    const store = new MemoryStateStore();
    const i = inv([leaked('eni-1')]);
    expect((await sweep(store, i, t0))[0]?.details.orphanedForSeconds).toBe(0);
    const later = await sweep(store, i, at(20));
    expect(later[0]?.details).toMatchObject({ orphanedForSeconds: 1200, firstSeenOrphanedAt: t0.toISOString() });
  });

  test('an ENI that stops being orphaned loses its clock', async () => {
    const store = new MemoryStateStore();
    await sweep(store, inv([leaked('eni-1')]), t0);
    // Same ENI, now attached again (in-use): seen, not orphaned.
    await sweep(store, inv([eni({ id: 'eni-1', description: 'aws-k8s-branch-eni', status: 'in-use', tags: rcTags('gone') })]), at(10));
    const again = await sweep(store, inv([leaked('eni-1')]), at(20));
    expect(again[0]?.details.orphanedForSeconds).toBe(0);
  });

  test('a stale sighting (sweeps stopped longer than the max gap) restarts the clock', async () => {
    const store = new MemoryStateStore();
    await sweep(store, inv([leaked('eni-1')]), t0);
    const late = await sweep(store, inv([leaked('eni-1')]), at(cfg.maxSightingGapSeconds / 60 + 1));
    expect(late[0]?.details.orphanedForSeconds).toBe(0);
  });

  test('a sweep with collection gaps keeps sightings it could not re-prove', () => {
    const existing = [{ id: 'eni-1', data: { firstSeen: t0.toISOString(), lastSeen: t0.toISOString() } }];
    const gappy = inv([], { gaps: [{ source: 'eks:ListClusters', affects: 'clusters', reason: 'Throttling' }] });
    expect(computeSightings(existing, gappy, [], cfg, at(5)).deletes).toEqual([]);
    expect(computeSightings(existing, inv([]), [], cfg, at(5)).deletes).toEqual(['eni-1']);
    // A Kubernetes gap has nothing to do with ENI proofs: the sweep still forgets what is gone.
    const kubeGap = inv([], { gaps: [{ source: 'kubernetes:prod', affects: 'kubernetes', reason: 'Forbidden' }] });
    expect(computeSightings(existing, kubeGap, [], cfg, at(5)).deletes).toEqual(['eni-1']);
  });

  test('a cluster-scoped sweep never forgets ENIs outside its scope', () => {
    const existing = [{ id: 'eni-other', data: { firstSeen: t0.toISOString(), lastSeen: t0.toISOString() } }];
    const scoped = inv([leaked('eni-1', 'a')], { scope: { clusters: ['a'] }, deletedClusters: ['a'] });
    expect(computeSightings(existing, scoped, [], cfg, at(5)).deletes).toEqual([]);
  });

  test('sightings are stored per region with an expiry', async () => {
    const store = new MemoryStateStore();
    await sweep(store, inv([leaked('eni-1')]), t0);
    const [item] = await store.list(sightingsPartition('us-east-1'));
    expect(item).toMatchObject({ id: 'eni-1', data: { firstSeen: t0.toISOString(), code: 'LEAKED_BRANCH_ENI', cluster: 'gone' } });
    expect(item?.expiresAt).toBe(t0.getTime() / 1000 + cfg.maxSightingGapSeconds * 2);
  });
});
