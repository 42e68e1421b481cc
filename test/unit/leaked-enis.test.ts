import { describe, expect, test } from '@jest/globals';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { runChecks } from '../../src/check/registry.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import { cniTags, eni, instance, rawData, rcTags } from '../fixtures/raw.js';

const ctx = { now: new Date('2026-01-01T12:00:00Z'), config: defaultConfig() };
const branchTags = (cluster: string, inst: string, trunk: string) =>
  rcTags(cluster, { 'node.k8s.amazonaws.com/instance_id': inst, 'vpcresources.k8s.aws/trunk-eni-id': trunk, 'vpcresources.k8s.aws/vlan-id': '1' });

const findingsFor = (raw: ReturnType<typeof rawData>) => runChecks(buildInventory(raw), ctx);
const summary = (raw: ReturnType<typeof rawData>) =>
  findingsFor(raw).map((f) => [f.resource.id, f.code, f.severity, ((f.details.proofs as Array<{ proof: string }> | undefined) ?? []).map((p) => p.proof).sort().join(',')]);

describe('leaked ENI detection', () => {
  const liveTrunk = eni({ id: 'eni-t1', description: 'aws-k8s-trunk-eni', status: 'in-use', tags: rcTags('live', { 'node.k8s.amazonaws.com/instance_id': 'i-live' }), attachedTo: 'i-live' });

  test('each orphan proof on its own, and none when everything is alive', () => {
    const raw = rawData({
      networkInterfaces: [
        liveTrunk,
        eni({ id: 'eni-alive', description: 'aws-k8s-branch-eni', tags: branchTags('live', 'i-live', 'eni-t1') }),
        eni({ id: 'eni-inst', description: 'aws-k8s-branch-eni', tags: branchTags('live', 'i-dead', 'eni-t1') }),
        eni({ id: 'eni-trunk', description: 'aws-k8s-branch-eni', tags: branchTags('live', 'i-live', 'eni-t-gone') }),
        eni({ id: 'eni-cluster', description: 'aws-k8s-branch-eni', tags: rcTags('gone') }),
        eni({ id: 'eni-cni', description: 'aws-K8S-i-missing', tags: cniTags('i-missing') }),
      ],
      instances: [instance('i-live', 'running'), instance('i-dead', 'terminated')],
      instanceIdsLookedUp: ['i-dead', 'i-live', 'i-missing'],
      eniIdsLookedUp: ['eni-t1', 'eni-t-gone'],
      clusterNames: ['live'],
      deletedClusters: ['gone'],
    });
    expect(summary(raw)).toEqual([
      ['eni-cluster', 'LEAKED_BRANCH_ENI', 'critical', 'CLUSTER_DELETED'],
      ['eni-inst', 'LEAKED_BRANCH_ENI', 'warning', 'INSTANCE_GONE'],
      ['eni-trunk', 'LEAKED_BRANCH_ENI', 'warning', 'TRUNK_GONE'],
      ['eni-cni', 'LEAKED_CNI_ENI', 'warning', 'INSTANCE_GONE'],
    ]);
  });

  test('a failed lookup is not a proof: no INSTANCE_GONE without a successful instance lookup', () => {
    const raw = rawData({
      networkInterfaces: [eni({ id: 'eni-1', description: 'aws-K8S-i-x', tags: cniTags('i-x') })],
      instanceIdsLookedUp: [],
      gaps: [{ source: 'ec2:DescribeInstances', affects: 'instances', reason: 'Throttling' }],
    });
    expect(findingsFor(raw)).toEqual([]);
  });

  test('shutting-down and stopped instances are not gone', () => {
    const raw = rawData({
      networkInterfaces: [
        eni({ id: 'eni-1', description: 'aws-K8S-i-a', tags: cniTags('i-a') }),
        eni({ id: 'eni-2', description: 'aws-K8S-i-b', tags: cniTags('i-b') }),
      ],
      instances: [instance('i-a', 'shutting-down'), instance('i-b', 'stopped')],
      instanceIdsLookedUp: ['i-a', 'i-b'],
    });
    expect(findingsFor(raw)).toEqual([]);
  });

  test('in-use and attached ENIs are never leaks, even with every proof', () => {
    const raw = rawData({
      networkInterfaces: [
        eni({ id: 'eni-1', description: 'aws-k8s-branch-eni', status: 'in-use', tags: rcTags('gone') }),
        eni({ id: 'eni-2', description: 'aws-k8s-trunk-eni', status: 'available', attachedTo: 'i-x', tags: rcTags('gone') }),
      ],
      deletedClusters: ['gone'],
    });
    expect(findingsFor(raw)).toEqual([]);
  });

  test('look-alikes are info findings, never leaks; ignore-tagged leaks drop to info', () => {
    const raw = rawData({
      networkInterfaces: [
        eni({ id: 'eni-fake', description: 'aws-k8s-branch-eni', tags: { 'kubernetes.io/cluster/gone': 'owned' } }),
        eni({ id: 'eni-rm', description: 'aws-k8s-trunk-eni', requesterManaged: true, tags: rcTags('gone') }),
        eni({ id: 'eni-elb', description: 'ELB app/x/1', requesterManaged: true }),
        eni({ id: 'eni-keep', description: 'aws-k8s-branch-eni', tags: rcTags('gone', { 'vpc-cni-auditor/ignore': 'true' }) }),
      ],
      deletedClusters: ['gone'],
    });
    expect(summary(raw)).toEqual([
      ['eni-fake', 'ENI_LOOKALIKE', 'info', ''],
      ['eni-rm', 'ENI_LOOKALIKE', 'info', ''],
      ['eni-keep', 'LEAKED_BRANCH_ENI', 'info', 'CLUSTER_DELETED'],
    ]);
    const keep = findingsFor(raw).find((f) => f.resource.id === 'eni-keep');
    expect(keep?.details.ignored).toBe(true);
  });

  test('CNI ENIs without a cluster tag are attributed through their instance tags', () => {
    const raw = rawData({
      networkInterfaces: [eni({ id: 'eni-1', description: 'aws-K8S-i-a', tags: cniTags('i-a') })],
      instances: [instance('i-a', 'terminated', { 'eks:cluster-name': 'prod' })],
      instanceIdsLookedUp: ['i-a'],
      clusterNames: ['prod'],
    });
    const [f] = findingsFor(raw);
    expect(f).toMatchObject({ code: 'LEAKED_CNI_ENI', cluster: 'prod', details: { clusterSource: 'instance-tag' } });
  });

  test('a cluster scope keeps only that cluster\'s ENIs', () => {
    const raw = rawData({
      scope: { clusters: ['a'] },
      networkInterfaces: [
        eni({ id: 'eni-a', description: 'aws-k8s-branch-eni', tags: rcTags('a') }),
        eni({ id: 'eni-b', description: 'aws-k8s-branch-eni', tags: rcTags('b') }),
      ],
      deletedClusters: ['a', 'b'],
    });
    expect(findingsFor(raw).map((f) => f.resource.id)).toEqual(['eni-a']);
  });

  test('a finding carries the documented fields', () => {
    const raw = rawData({ networkInterfaces: [eni({ id: 'eni-a', description: 'aws-k8s-branch-eni', tags: rcTags('a'), vpcId: 'vpc-9', subnetId: 'subnet-9' })], deletedClusters: ['a'] });
    expect(findingsFor(raw)[0]).toEqual({
      code: 'LEAKED_BRANCH_ENI',
      severity: 'critical',
      resource: { type: 'network-interface', id: 'eni-a' },
      cluster: 'a',
      region: 'us-east-1',
      reason: expect.stringContaining('EKS cluster a no longer exists'),
      details: expect.objectContaining({
        eniKind: 'branch', vpcId: 'vpc-9', subnetId: 'subnet-9', securityGroupIds: ['sg-1'], privateIp: '10.0.0.10',
        proofs: [{ proof: 'CLUSTER_DELETED', evidence: 'EKS cluster a no longer exists' }],
        firstSeenOrphanedAt: null, orphanedForSeconds: null, ignored: false,
      }),
    });
  });
});
