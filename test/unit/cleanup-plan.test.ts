import { describe, expect, test } from '@jest/globals';
import { planCleanup } from '../../src/act/cleanup/plan.js';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { runChecks } from '../../src/check/registry.js';
import { AuditConfigSchema, defaultConfig } from '../../src/config/audit-config.js';
import type { Finding } from '../../src/model/finding.js';
import { eni, instance, rawData, rcTags } from '../fixtures/raw.js';

const now = new Date('2026-01-01T12:00:00Z');
const aged = (fs: Finding[], seconds: number | Record<string, number>) =>
  fs.map((f) => ({ ...f, details: { ...f.details, orphanedForSeconds: typeof seconds === 'number' ? seconds : (seconds[f.resource.id] ?? 0) } }));

function setup(enis: ReturnType<typeof eni>[], over: Parameters<typeof rawData>[0] = {}) {
  const inv = buildInventory(rawData({ networkInterfaces: enis, ...over }));
  return { inv, findings: runChecks(inv, { now, config: defaultConfig() }) };
}
const cfg = (cleanup: Record<string, unknown> = {}) => AuditConfigSchema.parse({ cleanup }).cleanup;
const branch = (id: string, cluster: string, extra: Record<string, string> = {}, vpcId = 'vpc-1') =>
  eni({ id, description: 'aws-k8s-branch-eni', tags: rcTags(cluster, extra), vpcId });

describe('cleanup plan', () => {
  test('grace: 15 minutes by default, 5 when the cluster is proven deleted', () => {
    const { inv, findings } = setup([
      branch('eni-deleted-cluster', 'gone'),
      branch('eni-dead-node', 'live', { 'node.k8s.amazonaws.com/instance_id': 'i-1' }),
    ], { deletedClusters: ['gone'], clusterNames: ['live'], instances: [instance('i-1', 'terminated')], instanceIdsLookedUp: ['i-1'] });
    const plan = planCleanup(aged(findings, 6 * 60), inv, cfg());
    expect(plan.planned.map((p) => p.id)).toEqual(['eni-deleted-cluster']);
    expect(plan.skipped).toEqual([{ id: 'eni-dead-node', reason: 'within-grace: seen orphaned for 6m of 15m' }]);
    expect(planCleanup(aged(findings, 15 * 60), inv, cfg()).planned.map((p) => p.id).sort()).toEqual(['eni-dead-node', 'eni-deleted-cluster']);
  });

  test('a finding never seen before (no age) is within grace', () => {
    const { inv, findings } = setup([branch('eni-1', 'gone')], { deletedClusters: ['gone'] });
    expect(planCleanup(findings, inv, cfg()).planned).toEqual([]);
  });

  test('opt-out tags win over every proof', () => {
    const { inv, findings } = setup([
      branch('eni-ignore', 'gone', { 'vpc-cni-auditor/ignore': 'TRUE' }),
      eni({ id: 'eni-nomanage', description: 'aws-K8S-i-1', tags: { 'node.k8s.amazonaws.com/instance_id': 'i-1', 'node.k8s.amazonaws.com/no_manage': 'true' } }),
    ], { deletedClusters: ['gone'], instanceIdsLookedUp: ['i-1'] });
    const plan = planCleanup(aged(findings, 86_400), inv, cfg({ graceSeconds: 0 }));
    expect(plan.planned).toEqual([]);
    expect(plan.skipped.map((s) => s.reason.split(':')[0]).sort()).toEqual(['ignore-tag', 'no-manage-tag']);
  });

  test('the cap keeps the most severe, longest-orphaned first', () => {
    const enis = [branch('eni-a', 'gone'), branch('eni-b', 'gone'), branch('eni-c', 'gone')];
    const { inv, findings } = setup([...enis, ...Array.from({ length: 10 }, (_, i) => eni({ id: `eni-live-${i}`, description: 'aws-k8s-branch-eni', status: 'in-use', tags: rcTags('live') }))], { deletedClusters: ['gone'] });
    const plan = planCleanup(aged(findings, { 'eni-a': 600, 'eni-b': 9000, 'eni-c': 3000 }), inv, cfg({ maxDeletes: 2 }));
    expect(plan.planned.map((p) => p.id)).toEqual(['eni-b', 'eni-c']);
    expect(plan.skipped).toEqual([{ id: 'eni-a', reason: 'cap-reached: at most 2 deletions per run' }]);
  });

  test('the circuit breaker refuses a VPC where most EKS ENIs would go, unless overridden', () => {
    const doomed = Array.from({ length: 12 }, (_, i) => branch(`eni-d${String(i).padStart(2, '0')}`, 'gone', {}, 'vpc-big'));
    const healthy = Array.from({ length: 4 }, (_, i) => eni({ id: `eni-h${i}`, description: 'aws-k8s-branch-eni', status: 'in-use', tags: rcTags('live'), vpcId: 'vpc-big' }));
    const small = [branch('eni-s1', 'gone', {}, 'vpc-small')];
    const { inv, findings } = setup([...doomed, ...healthy, ...small], { deletedClusters: ['gone'] });
    const plan = planCleanup(aged(findings, 3600), inv, cfg({ maxDeletes: 100 }));
    // 12 of 16 (75%) in vpc-big trips it; vpc-small's single deletion is under the minimum count.
    expect(plan.planned.map((p) => p.id)).toEqual(['eni-s1']);
    expect(plan.skipped).toHaveLength(12);
    expect(plan.skipped[0]?.reason).toBe('circuit-breaker: 12 of 16 EKS-owned ENIs in vpc-big (over 50%); re-run with the breaker override to proceed');
    expect(planCleanup(aged(findings, 3600), inv, cfg({ maxDeletes: 100, breakerOverride: true })).planned).toHaveLength(13);
  });

  test('only leak findings are ever planned', () => {
    const { inv, findings } = setup([eni({ id: 'eni-fake', description: 'aws-k8s-branch-eni', tags: {} })]);
    expect(findings.map((f) => f.code)).toEqual(['ENI_LOOKALIKE']);
    expect(planCleanup(aged(findings, 86_400), inv, cfg({ graceSeconds: 0 }))).toEqual({ planned: [], skipped: [] });
  });
});
