// The bench times the product against bench/stand-in; this proves that path is the real one: the
// SDK and Kubernetes clients parse its answers into exactly the synthetic estate, page by page,
// with the minimum number of requests, and cleanup under its throttle loses nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { generateEstate, proportionalSize } from '../../bench/estate/generate.js';
import type { Estate } from '../../bench/estate/types.js';
import { eventLists, minimumRequests } from '../../bench/measure/minimum.js';
import { startStandIn, type StandIn } from '../../bench/stand-in/server.js';
import { executeCleanup } from '../../src/act/cleanup/execute.js';
import { planCleanup } from '../../src/act/cleanup/plan.js';
import { clientConfig } from '../../src/aws/clients.js';
import { runChecks } from '../../src/check/registry.js';
import { collectAws } from '../../src/collect/aws/collect-aws.js';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { normaliseEni } from '../../src/collect/classify.js';
import { collectCapacity } from '../../src/collect/collect-capacity.js';
import type { RawAwsData } from '../../src/collect/raw.js';
import { AuditConfigSchema, defaultConfig } from '../../src/config/audit-config.js';
import { runScan } from '../../src/run/scan.js';
import { MemoryStateStore } from '../../src/state/store.js';

const region = 'us-east-1';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const clients = (url: string) => {
  const cfg = { ...clientConfig({ region }), endpoint: url, credentials };
  return { ec2: new EC2Client(cfg), eks: new EKSClient(cfg), iam: new IAMClient(cfg) };
};

describe('bench stand-in, collected by the product', () => {
  // 2,500 ENIs: three DescribeNetworkInterfaces pages; 3,750 pods: eight Kubernetes pages.
  let estate: Estate;
  let standIn: StandIn;
  let raw: RawAwsData;

  beforeAll(async () => {
    estate = generateEstate(proportionalSize(2500), { seed: 11 });
    standIn = await startStandIn(estate);
    const c = clients(standIn.url);
    raw = await collectAws(c.ec2, c.eks, { region, clusters: null });
    await collectCapacity(c.ec2, c.eks, raw, { kubernetes: { kind: 'eks', credentials }, iam: c.iam });
  });
  afterAll(() => standIn.close());

  test('the same estate from the same seed', () => {
    const again = generateEstate(proportionalSize(2500), { seed: 11 });
    expect(again.enis.map((e) => e.id)).toEqual(estate.enis.map((e) => e.id));
    expect(again.expected).toEqual(estate.expected);
  });

  test('every EKS-described ENI, field by field, and nothing the filter excludes', () => {
    expect(raw.gaps).toEqual([]);
    const got = new Map(raw.networkInterfaces.map((e) => [e.NetworkInterfaceId, normaliseEni(e)]));
    const want = estate.enis.filter((e) => e.truth !== 'other');
    expect(got.size).toBe(want.length);
    for (const e of want) {
      const n = got.get(e.id);
      expect(n && {
        description: n.description, status: n.status, vpcId: n.vpcId, subnetId: n.subnetId, privateIp: n.privateIp, privateIpCount: n.privateIpCount,
        securityGroupIds: n.securityGroupIds, tags: n.tags, attachment: n.attachment?.instanceId ?? null, requesterManaged: n.requesterManaged, interfaceType: n.interfaceType,
      }).toEqual({
        description: e.description, status: e.status, vpcId: e.vpcId, subnetId: e.subnetId, privateIp: e.privateIp, privateIpCount: 1 + e.secondaryIps.length,
        securityGroupIds: e.groups.map((g) => g.id), tags: e.tags, attachment: e.attachment?.instanceId ?? null, requesterManaged: e.requesterManaged, interfaceType: e.interfaceType,
      });
    }
  });

  test('instances, clusters and subnets as the estate has them', () => {
    const instances = new Map(raw.instances.map((i) => [i.InstanceId, i]));
    const referenced = estate.instances.filter((i) => estate.enis.some((e) => e.tags['node.k8s.amazonaws.com/instance_id'] === i.id));
    expect(instances.size).toBe(referenced.length);
    for (const i of referenced) {
      const got = instances.get(i.id);
      expect({ state: got?.State?.Name, type: got?.InstanceType, tags: Object.fromEntries((got?.Tags ?? []).map((t) => [t.Key, t.Value])) })
        .toEqual({ state: i.state, type: i.instanceType, tags: i.tags });
    }
    expect(raw.clusterNames).toEqual(estate.listedClusters);
    expect(raw.deletedClusters).toEqual(estate.deletedClusters);
    expect(new Set(raw.subnets?.map((s) => s.SubnetId))).toEqual(new Set(estate.subnets.filter((s) => estate.enis.some((e) => e.subnetId === s.id && e.truth !== 'other' && e.truth !== 'lookalike')).map((s) => s.id)));
  });

  test('Kubernetes lists come back whole across pages, in order, objects unchanged', () => {
    // List items carry no kind/apiVersion; the collector may stamp them on. Everything else must match.
    const bare = (items: readonly object[] | undefined) => (items ?? []).map(({ kind: _k, apiVersion: _a, ...rest }: { kind?: unknown; apiVersion?: unknown }) => rest);
    for (const k of estate.kube) {
      const got = raw.kubernetes?.find((r) => r.cluster === k.cluster);
      expect(bare(got?.nodes)).toEqual(bare(k.nodes));
      expect(bare(got?.pods)).toEqual(bare(k.pods));
      expect(bare(got?.cniNodes)).toEqual(bare(k.cniNodes));
      expect(bare(got?.eniConfigs)).toEqual(bare(k.eniConfigs));
      expect(got?.events).toHaveLength(eventLists(k).reduce((a, n) => a + n, 0));
      expect(bare(got?.securityGroupPolicies)).toEqual(bare(k.securityGroupPolicies));
      expect(bare(got?.serviceAccounts)).toEqual(bare(k.serviceAccounts));
    }
  });

  test('the checks find exactly the leaks the estate holds', () => {
    const findings = runChecks(buildInventory(raw), { now: new Date(raw.collectedAt), config: defaultConfig() });
    expect(findings.filter((f) => f.code.startsWith('LEAKED_')).map((f) => f.resource.id).sort()).toEqual([...estate.expected.leakedIds].sort());
    expect(findings.filter((f) => f.code === 'ENI_LOOKALIKE')).toHaveLength(estate.expected.lookalikeIds.length);
  });

  test('requests are the minimum the bench computes, per operation', () => {
    const ops = standIn.stats().ops;
    const made = Object.fromEntries(Object.entries(ops).map(([op, s]) => [op, s.requests]));
    expect(made).toEqual(minimumRequests(estate));
    expect(ops['eks:DescribeCluster']?.errors).toBe(estate.deletedClusters.length);
  });
});

describe('bench stand-in, cleanup under its throttle', () => {
  test('every orphan deleted through RequestLimitExceeded retries; the stand-in state agrees', async () => {
    const estate = generateEstate({ enis: 400, nodes: 20, pods: 0, events: 0 }, { seed: 3, leaked: 40, ignoredEvery: 0 });
    // Two tokens and 8 a second: four workers outrun that even on a loaded machine, so throttling
    // is certain (at 40 a second a slow, busy machine sometimes never hit the limit).
    const standIn = await startStandIn(estate, { mutating: { capacity: 2, refillPerSecond: 8 } });
    try {
      const c = clients(standIn.url);
      const config = AuditConfigSchema.parse({ cleanup: { graceSeconds: 0, clusterDeletedGraceSeconds: 0, maxDeletes: 40, breakerOverride: true } });
      const scan = await runScan({ source: { kind: 'aws', region, clients: c }, clusters: null, config, store: new MemoryStateStore() });
      const plan = planCleanup(scan.findings, scan.inventory, config.cleanup);
      expect(plan.planned).toHaveLength(40);
      const outcome = await executeCleanup(c.ec2, plan, { dryRun: false });
      expect(outcome.deleted).toHaveLength(40);
      expect(estate.expected.deletableIds.filter((id) => standIn.ec2.enis.get(id))).toEqual([]);
      const del = standIn.stats().ops['ec2:DeleteNetworkInterface'];
      expect(del?.throttled).toBeGreaterThan(0);
      expect(del?.requests).toBe(40 + (del?.throttled ?? 0));
    } finally {
      await standIn.close();
    }
  });
});
