import { describe, expect, test } from '@jest/globals';
import type { Instance, NetworkInterface, Subnet } from '@aws-sdk/client-ec2';
import type { Cluster } from '@aws-sdk/client-eks';
import { buildInventory } from '../../src/collect/build-inventory.js';
import type { RawKubernetesCluster } from '../../src/collect/kubernetes/raw-kubernetes.js';
import type { RawAwsData } from '../../src/collect/raw.js';
import { codeCatalog, runChecks } from '../../src/check/registry.js';
import { AuditConfigSchema, defaultConfig, type AuditConfig } from '../../src/config/audit-config.js';
import { awsNode, kubeCluster, node, pod } from '../fixtures/kube.js';
import { eni, rawData, rcTags } from '../fixtures/raw.js';
import {
  allTraffic, branchFailed, noIp, podPolicy, policy, rawSgp, routeTable, securityGroup, sgpPod, sgRequested, tcp, trunkFailed, udp,
  SG_APP, SG_CLUSTER, SG_DB, SG_MISSING, SG_NODE,
} from '../fixtures/sgp.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const SGP_CODES = new Set(['POD_STUCK_INVALID_SG', 'SGP_UNKNOWN_SG', 'SGP_SG_OTHER_VPC', 'SGP_TOO_MANY_SGS', 'SGP_INVALID', 'SGP_NODE_NOT_TRUNK_CAPABLE', 'SGP_SG_BLOCKS_PROBES', 'SGP_SG_BLOCKS_DNS', 'SGP_POD_DRIFT', 'SGP_CLUSTER_ROLE_POLICY_MISSING', 'NODE_NO_TRUNK_SLOT', 'SGP_PUBLIC_SUBNET', 'PODS_NO_IP']);
const I1 = 'i-0000000000000000a';
const I2 = 'i-0000000000000000b';

const eksCluster: Cluster = { name: 'alpha', status: 'ACTIVE', roleArn: 'arn:aws:iam::123456789012:role/eks-alpha', resourcesVpcConfig: { vpcId: 'vpc-1', clusterSecurityGroupId: SG_CLUSTER } };
const instance = (id: string, type: string, enis = 1, ip = '10.40.1.10', subnetId = 'subnet-nodes'): Instance => ({
  InstanceId: id, InstanceType: type as Instance['InstanceType'], State: { Name: 'running' }, SubnetId: subnetId, VpcId: 'vpc-1', PrivateIpAddress: ip,
  SecurityGroups: [{ GroupId: SG_CLUSTER }, { GroupId: SG_NODE }], Tags: [{ Key: 'eks:cluster-name', Value: 'alpha' }],
  NetworkInterfaces: Array.from({ length: enis }, (_, i) => ({ NetworkInterfaceId: `eni-${id.slice(2)}-${i}`, Attachment: { DeviceIndex: i, NetworkCardIndex: 0 } })),
});
const trunk = (instanceId: string): NetworkInterface => eni({ id: `eni-trunk${instanceId.slice(-1)}`, description: 'aws-k8s-trunk-eni', status: 'in-use', attachedTo: instanceId, tags: rcTags('alpha', { 'node.k8s.amazonaws.com/instance_id': instanceId }) });
const branch = (id: string, groups: string[], subnetId = 'subnet-nodes'): NetworkInterface => ({
  ...eni({ id, description: 'aws-k8s-branch-eni', status: 'in-use', subnetId, tags: rcTags('alpha', { 'vpcresources.k8s.aws/trunk-eni-id': 'eni-trunka', 'vpcresources.k8s.aws/vlan-id': '1' }) }),
  Groups: groups.map((GroupId) => ({ GroupId })),
});
const subnet = (id: string, cidr = '10.40.1.0/24'): Subnet => ({ SubnetId: id, VpcId: 'vpc-1', CidrBlock: cidr, AvailableIpAddressCount: 200, AvailabilityZone: 'us-east-1a' });

/** The pods' groups: the app group lets the cluster SG in on 8080 and out to it on 53, like the EKS docs ask. */
const GROUPS = [
  securityGroup(SG_APP, { ingress: [tcp(8080, 8080, { group: SG_CLUSTER })], egress: [udp(53, 53, { group: SG_CLUSTER }), tcp(53, 53, { group: SG_CLUSTER }), tcp(443, 443, { cidr: '0.0.0.0/0' })] }),
  securityGroup(SG_DB),
];
const LOOKED = [SG_APP, SG_DB, SG_MISSING];

/** An SGP node (m5.large with its trunk) in a cluster whose aws-node has ENABLE_POD_ENI=true. */
const base = (over: Partial<RawKubernetesCluster> = {}): RawKubernetesCluster => kubeCluster({
  nodes: [node({ name: 'n1', instanceId: I1, podEni: 9 })],
  awsNode: awsNode({ ENABLE_POD_ENI: 'true' }),
  securityGroupPolicies: [],
  serviceAccounts: [],
  ...over,
});

const web = (name: string, over: Parameters<typeof sgpPod>[0] extends infer S ? Partial<S> : never = {}) =>
  sgpPod({ name, owner: { kind: 'ReplicaSet', name: 'web-5d9f7' }, templateHash: '5d9f7', labels: { app: 'web' }, podEni: true, node: 'n1', ...over });

function scan(k: RawKubernetesCluster, over: Partial<RawAwsData> = {}, config: AuditConfig = defaultConfig()) {
  const raw = rawData({
    kubernetes: [k], clusters: [eksCluster], clusterNames: ['alpha'],
    instances: [instance(I1, 'm5.large')], instanceIdsLookedUp: [I1],
    networkInterfaces: [trunk(I1)],
    subnets: [subnet('subnet-nodes')],
    sgp: rawSgp({ securityGroups: GROUPS, securityGroupIdsLookedUp: LOOKED, routeTables: [routeTable('rtb-main', { main: true, defaultRoute: 'nat-1' })], routeTableSubnetsLookedUp: ['subnet-nodes'], clusterRoles: [{ cluster: 'alpha', roleArn: eksCluster.roleArn!, AttachedPolicies: [{ PolicyName: 'AmazonEKSClusterPolicy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' }, { PolicyName: 'AmazonEKSVPCResourceController', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSVPCResourceController' }] }] }),
    ...over,
  });
  const inv = buildInventory(raw);
  const findings = runChecks(inv, { now: NOW, config }).filter((f) => SGP_CODES.has(f.code));
  const by = (code: string, id?: string) => findings.find((f) => f.code === code && (id === undefined || f.resource.id === id))!;
  return { inv, findings, by, codes: findings.map((f) => `${f.code}:${f.severity}:${f.resource.id}`).sort() };
}

test('every SGP code is declared and documented', () => {
  const catalog = codeCatalog();
  for (const code of SGP_CODES) expect(catalog.get(code)?.fix.length).toBeGreaterThan(20);
});

describe('POD_STUCK_INVALID_SG', () => {
  const policyNamingMissing = podPolicy('web-sgp', { app: 'web' }, [SG_APP, SG_MISSING]);
  const stuck = (over: Partial<RawKubernetesCluster> = {}) => base({
    securityGroupPolicies: [policyNamingMissing],
    pods: [
      web('web-5d9f7-a', { phase: 'Pending', createdAt: '2026-01-01T11:00:00Z' }),
      web('web-5d9f7-b', { phase: 'Pending', createdAt: '2026-01-01T11:10:00Z' }),
      web('web-5d9f7-c', { phase: 'Pending', createdAt: '2026-01-01T11:20:00Z' }),
      // Recovered: it runs since after its last failure (the group was created, then deleted again).
      web('web-5d9f7-d', { startedAt: '2026-01-01T11:05:00Z', branchEni: 'eni-0d' }),
    ],
    events: [
      branchFailed({ pod: 'web-5d9f7-a', shape: 'v2', first: '2026-01-01T11:00:02Z' }),
      branchFailed({ pod: 'web-5d9f7-b', shape: 'v1' }),
      branchFailed({ pod: 'web-5d9f7-c', shape: 'combined', last: '2026-01-01T11:21:00Z' }),
      branchFailed({ pod: 'web-5d9f7-d', last: '2026-01-01T11:04:00Z' }),
      // The pod is gone; its events linger for an hour.
      branchFailed({ pod: 'web-5d9f7-zz' }),
      // The sandbox failure that follows is explained by the finding, not reported again.
      noIp({ pod: 'web-5d9f7-a' }),
    ],
    ...over,
  });

  test('the pods of one workload, the group from both SDK shapes and the aggregated message, the policy, how long', () => {
    const r = scan(stuck());
    expect(r.codes).toEqual([
      `POD_STUCK_INVALID_SG:critical:shop/Deployment/web/web-sgp/${SG_MISSING}`,
      'SGP_UNKNOWN_SG:critical:shop/web-sgp',
    ]);
    const f = r.by('POD_STUCK_INVALID_SG');
    expect(f.details).toMatchObject({
      namespace: 'shop', workload: { kind: 'Deployment', name: 'web' }, policy: { namespace: 'shop', name: 'web-sgp' },
      missingGroupIds: [SG_MISSING], podCount: 3, pods: ['web-5d9f7-a', 'web-5d9f7-b', 'web-5d9f7-c'], phases: { Pending: 3 },
      stuckSince: '2026-01-01T11:00:00Z', stuckSeconds: 3600, firstFailureAt: '2026-01-01T11:00:02Z', lastFailureAt: '2026-01-01T11:21:00Z', failureEvents: 15,
    });
    expect(f.details.message).toMatch(/^\(combined from similar events\): failed to allocate branch ENI/);
    expect(f.reason).toBe(`3 pods of Deployment shop/web have no branch ENI for 1h: security group ${SG_MISSING}, named by SecurityGroupPolicy shop/web-sgp, does not exist (BranchAllocationFailed InvalidSecurityGroupID.NotFound)`);
    expect(r.by('SGP_UNKNOWN_SG').details).toMatchObject({ missingGroupIds: [SG_MISSING], selectedPods: 4, stuckPods: 3 });
  });

  test('one finding per policy and group; a group no current policy names is reported with policy "-"', () => {
    const second = podPolicy('web-extra', { app: 'web' }, [SG_MISSING]);
    const r = scan(stuck({ securityGroupPolicies: [policyNamingMissing, second] }));
    expect(r.codes.filter((c) => c.startsWith('POD_STUCK'))).toEqual([
      `POD_STUCK_INVALID_SG:critical:shop/Deployment/web/web-extra/${SG_MISSING}`,
      `POD_STUCK_INVALID_SG:critical:shop/Deployment/web/web-sgp/${SG_MISSING}`,
    ]);
    const fixed = scan(stuck({ securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, [SG_APP])] }));
    expect(fixed.codes).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/web/-/${SG_MISSING}`]);
    expect(fixed.by('POD_STUCK_INVALID_SG').reason).toMatch(/named by no current SecurityGroupPolicy/);
  });

  test('no false positives: recovered pods, Normal SecurityGroupRequested events, groups that exist', () => {
    const r = scan(base({
      securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, [SG_APP])],
      pods: [web('web-5d9f7-a', { startedAt: '2026-01-01T11:03:00Z', branchEni: 'eni-0a' }), web('web-5d9f7-b', { phase: 'Pending' })],
      events: [branchFailed({ pod: 'web-5d9f7-a', last: '2026-01-01T11:02:00Z' }), sgRequested('web-5d9f7-b', [SG_APP])],
    }), { networkInterfaces: [trunk(I1), branch('eni-0a', [SG_APP])] });
    expect(r.codes).toEqual([]);
  });
});

describe('policies before any pod lands', () => {
  test('SGP_UNKNOWN_SG without any pod; nothing is said when the lookup failed (a gap)', () => {
    const k = base({ securityGroupPolicies: [podPolicy('db-sgp', { app: 'db' }, [SG_DB, SG_MISSING])] });
    const r = scan(k);
    expect(r.codes).toEqual(['SGP_UNKNOWN_SG:critical:shop/db-sgp']);
    expect(r.by('SGP_UNKNOWN_SG').details).toMatchObject({ missingGroupIds: [SG_MISSING], selectedPods: 0, stuckPods: 0, applied: true });
    expect(scan(k, { sgp: rawSgp({ securityGroups: GROUPS, securityGroupIdsLookedUp: [] }) }).codes).toEqual([]);
    expect(scan(k, { sgp: undefined }).codes).toEqual([]);
  });

  test("SGP_SG_OTHER_VPC: a group of another VPC than the cluster's", () => {
    const r = scan(base({ securityGroupPolicies: [podPolicy('db-sgp', { app: 'db' }, [SG_DB])] }), {
      sgp: rawSgp({ securityGroups: [securityGroup(SG_DB, { vpcId: 'vpc-other' })], securityGroupIdsLookedUp: [SG_DB] }),
    });
    expect(r.codes).toEqual(['SGP_SG_OTHER_VPC:critical:shop/db-sgp']);
    expect(r.by('SGP_SG_OTHER_VPC').details).toMatchObject({ vpcId: 'vpc-1', foreignGroups: [{ groupId: SG_DB, vpcId: 'vpc-other' }] });
  });

  test('SGP_INVALID: no selector, no group ids, odd selectors, malformed ids (critical once they select pods)', () => {
    const r = scan(base({
      securityGroupPolicies: [
        policy('no-selector', { securityGroups: { groupIds: [SG_APP] } }),
        policy('no-groups', { podSelector: { matchLabels: { app: 'web' } } }),
        policy('odd-operator', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, securityGroups: { groupIds: [SG_APP] } }),
        policy('bad-sa-selector', { serviceAccountSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [] }] }, securityGroups: { groupIds: [SG_APP] } }),
        policy('malformed', { podSelector: { matchLabels: { app: 'web' } }, securityGroups: { groupIds: ['sg-web'] } }),
        policy('malformed-unused', { podSelector: { matchLabels: { app: 'nothing' } }, securityGroups: { groupIds: ['web-sg'] } }),
        policy('spec-is-a-string', 'oops'),
      ],
      pods: [web('web-5d9f7-a', { phase: 'Pending' })],
    }));
    expect(r.codes).toEqual([
      'SGP_INVALID:critical:shop/malformed',
      'SGP_INVALID:warning:shop/bad-sa-selector',
      'SGP_INVALID:warning:shop/malformed-unused',
      'SGP_INVALID:warning:shop/no-groups',
      'SGP_INVALID:warning:shop/no-selector',
      'SGP_INVALID:warning:shop/odd-operator',
      'SGP_INVALID:warning:shop/spec-is-a-string',
    ]);
    expect(r.by('SGP_INVALID', 'shop/odd-operator').details).toMatchObject({ applied: false, podSelector: { problem: expect.stringMatching(/"Equals" is not a valid label selector operator/) } });
    expect(r.by('SGP_INVALID', 'shop/malformed').details).toMatchObject({ applied: true, selectedPods: 1, problems: [{ kind: 'malformed-group-id' }] });
    expect(r.by('SGP_INVALID', 'shop/no-selector').reason).toMatch(/is ignored by the resource controller: neither podSelector nor serviceAccountSelector is set/);
  });

  test('SGP_TOO_MANY_SGS: one policy over the quota, or several adding up on the same pods; the quota is configurable', () => {
    const six = Array.from({ length: 6 }, (_, i) => `sg-0bbb000000000000${i}`);
    const k = base({
      securityGroupPolicies: [
        podPolicy('big', { app: 'big' }, six),
        podPolicy('base', {}, six.slice(0, 3)),
        podPolicy('web-extra', { app: 'web' }, six.slice(3, 6)),
      ],
      pods: [web('web-5d9f7-a'), web('web-5d9f7-b'), sgpPod({ name: 'other', labels: { app: 'other' } })],
    });
    const sgp = rawSgp({ securityGroups: six.map((id) => securityGroup(id)), securityGroupIdsLookedUp: six });
    const r = scan(k, { sgp });
    expect(r.codes.filter((c) => c.startsWith('SGP_TOO_MANY_SGS'))).toEqual(['SGP_TOO_MANY_SGS:critical:shop/Deployment/web', 'SGP_TOO_MANY_SGS:critical:shop/big']);
    expect(r.by('SGP_TOO_MANY_SGS', 'shop/Deployment/web').details).toMatchObject({ policies: ['base', 'web-extra'], count: 6, quota: 5, podCount: 2 });
    expect(r.by('SGP_TOO_MANY_SGS', 'shop/big').details).toMatchObject({ count: 6, quota: 5, selectedPods: 0 });
    expect(scan(k, { sgp }, AuditConfigSchema.parse({ sgp: { securityGroupsPerEni: 6 } })).codes.filter((c) => c.startsWith('SGP_TOO_MANY_SGS'))).toEqual([]);
  });
});

describe('nodes and trunks', () => {
  const policies = [podPolicy('web-sgp', { app: 'web' }, [SG_APP])];

  test('SGP_NODE_NOT_TRUNK_CAPABLE: a type that cannot have a trunk (critical while a pod waits), a trunk that is missing', () => {
    const k = base({
      securityGroupPolicies: policies,
      nodes: [node({ name: 'n1', instanceId: I1, podEni: 9 }), node({ name: 'n-t3', type: 't3.large', instanceId: I2 })],
      pods: [web('web-5d9f7-a', { node: 'n-t3', phase: 'Pending' }), web('web-5d9f7-b', { node: 'n-t3', podEni: false }), web('web-5d9f7-c', { branchEni: 'eni-0c' })],
    });
    const over = { instances: [instance(I1, 'm5.large'), instance(I2, 't3.large')], instanceIdsLookedUp: [I1, I2], networkInterfaces: [trunk(I1), branch('eni-0c', [SG_APP])] };
    const r = scan(k, over);
    expect(r.codes).toEqual(['SGP_NODE_NOT_TRUNK_CAPABLE:critical:n-t3', 'SGP_POD_DRIFT:info:shop/Deployment/web']);
    expect(r.by('SGP_NODE_NOT_TRUNK_CAPABLE').details).toMatchObject({ capability: 'type-not-trunking', podCount: 2, notRunning: 1, policies: ['shop/web-sgp'] });
    // Without its trunk, n1 cannot serve the pod either.
    const lost = scan(k, { ...over, networkInterfaces: [branch('eni-0c', [SG_APP])] });
    expect(lost.by('SGP_NODE_NOT_TRUNK_CAPABLE', 'n1').details).toMatchObject({ capability: 'trunk-missing', podCount: 1, notRunning: 0 });
    expect(lost.by('SGP_NODE_NOT_TRUNK_CAPABLE', 'n1').severity).toBe('warning');
  });

  test('NODE_NO_TRUNK_SLOT: SGP on, trunk-capable, no trunk, every ENI slot taken', () => {
    const k = base({ nodes: [node({ name: 'n1', instanceId: I1 })] });
    expect(scan(k, { networkInterfaces: [], instances: [instance(I1, 'm5.large', 3)] }).codes).toEqual(['NODE_NO_TRUNK_SLOT:warning:n1']);
    expect(scan(k, { networkInterfaces: [], instances: [instance(I1, 'm5.large', 3)] }).by('NODE_NO_TRUNK_SLOT').details).toMatchObject({ attachedEnis: 3, maxEnis: 3 });
    expect(scan(k, { networkInterfaces: [], instances: [instance(I1, 'm5.large', 2)] }).codes).toEqual([]);
    expect(scan(k, { instances: [instance(I1, 'm5.large', 3)] }).codes).toEqual([]);
    // SGP off on aws-node and no other signal: no trunk is expected.
    expect(scan({ ...k, awsNode: awsNode({}) }, { networkInterfaces: [], instances: [instance(I1, 'm5.large', 3)] }).codes).toEqual([]);
  });

  test('SGP_CLUSTER_ROLE_POLICY_MISSING: from IAM; from the trunk events when IAM could not be read; only where SGP is in use', () => {
    const k = base({ securityGroupPolicies: policies });
    const withoutPolicy = rawSgp({ securityGroups: GROUPS, securityGroupIdsLookedUp: LOOKED, clusterRoles: [{ cluster: 'alpha', roleArn: eksCluster.roleArn!, AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' }] }] });
    const r = scan(k, { sgp: withoutPolicy });
    expect(r.codes).toEqual(['SGP_CLUSTER_ROLE_POLICY_MISSING:critical:alpha']);
    expect(r.by('SGP_CLUSTER_ROLE_POLICY_MISSING').details).toMatchObject({ roleArn: eksCluster.roleArn, attachedPolicies: ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'], evidence: ['iam:ListAttachedRolePolicies'] });
    const iamDenied = rawSgp({ securityGroups: GROUPS, securityGroupIdsLookedUp: LOOKED });
    expect(scan(k, { sgp: iamDenied }).codes).toEqual([]);
    const events = scan({ ...k, events: [trunkFailed('n1'), trunkFailed('n1', 'InsufficientFreeAddressesInSubnet')] }, { sgp: iamDenied });
    expect(events.codes).toEqual(['SGP_CLUSTER_ROLE_POLICY_MISSING:critical:alpha']);
    expect(events.by('SGP_CLUSTER_ROLE_POLICY_MISSING').details).toMatchObject({ evidence: ['TrunkENICreationFailed events'], nodesWithTrunkFailures: ['n1'] });
    // No policy, no ENABLE_POD_ENI, no branch capacity: SGP is not in use, the role needs nothing.
    const unused = kubeCluster({ nodes: [node({ name: 'n1', instanceId: I1 })], securityGroupPolicies: [] });
    expect(scan(unused, { sgp: withoutPolicy, networkInterfaces: [] }).codes).toEqual([]);
  });
});

describe('security group rules against probes and DNS', () => {
  const policies = [podPolicy('web-sgp', { app: 'web' }, [SG_APP])];
  const probes = { livenessProbe: { httpGet: { path: '/healthz', port: 'http' } }, readinessProbe: { tcpSocket: { port: 8080 } } };
  const coreDns = sgpPod({ name: 'coredns-1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, podEni: false, podIp: '10.40.1.77' });
  const k = (groups: string[] = [SG_APP], podProbes: Record<string, unknown> = probes) => base({
    securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, groups)],
    pods: [web('web-5d9f7-a', { ports: [{ name: 'http', containerPort: 8080 }], probes: podProbes, branchEni: 'eni-0a' }), coreDns],
  });
  const eniWith = (groups: string[]) => ({ networkInterfaces: [trunk(I1), branch('eni-0a', groups)] });
  const withGroup = (g: ReturnType<typeof securityGroup>) => ({ sgp: rawSgp({ securityGroups: [g], securityGroupIdsLookedUp: [g.GroupId!] }), ...eniWith([g.GroupId!]) });

  test('the EKS docs setup passes: inbound from the cluster SG on the probe port, DNS out to it', () => {
    expect(scan(k(), eniWith([SG_APP])).codes).toEqual([]);
  });

  test('SGP_SG_BLOCKS_PROBES: probe ports (named ones resolved) not open to the node; strict mode only', () => {
    const closed = securityGroup(SG_APP, { ingress: [tcp(443, 443, { group: SG_CLUSTER })], egress: [allTraffic()] });
    const r = scan(k(), withGroup(closed));
    expect(r.codes).toEqual(['SGP_SG_BLOCKS_PROBES:warning:shop/Deployment/web']);
    expect(r.by('SGP_SG_BLOCKS_PROBES').details).toMatchObject({
      groupIds: [SG_APP], enforcingMode: 'strict',
      blockedProbes: [{ container: 'app', kind: 'liveness', port: 8080, portName: 'http' }, { container: 'app', kind: 'readiness', port: 8080, portName: null }],
    });
    // A CIDR holding the node's address, or the node's own group, is as good as the cluster SG.
    expect(scan(k(), withGroup(securityGroup(SG_APP, { ingress: [tcp(8000, 8999, { cidr: '10.40.1.0/24' })] }))).codes).toEqual([]);
    expect(scan(k(), withGroup(securityGroup(SG_APP, { ingress: [tcp(8080, 8080, { group: SG_NODE })] }))).codes).toEqual([]);
    expect(scan(k(), withGroup(securityGroup(SG_APP, { ingress: [tcp(8080, 8080, { cidr: '10.99.0.0/16' })] }))).codes).toEqual(['SGP_SG_BLOCKS_PROBES:warning:shop/Deployment/web']);
    // standard mode: traffic from the node is not enforced; aws-node unreadable: the mode is unknown.
    expect(scan({ ...k(), awsNode: awsNode({ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }) }, withGroup(closed)).codes).toEqual([]);
    expect(scan({ ...k(), awsNode: null, missing: ['aws-node'] }, withGroup(closed)).codes).toEqual([]);
    // An invalid value is strict, as in the CNI.
    expect(scan({ ...k(), awsNode: awsNode({ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'lenient' }) }, withGroup(closed)).codes).toEqual(['SGP_SG_BLOCKS_PROBES:warning:shop/Deployment/web']);
  });

  test('the branch ENI\'s actual groups are judged when known, else what the policies give', () => {
    const closed = securityGroup(SG_DB, { ingress: [], egress: [allTraffic()] });
    const sgp = rawSgp({ securityGroups: [GROUPS[0]!, closed], securityGroupIdsLookedUp: [SG_APP, SG_DB] });
    // The pod runs with SG_DB (drift), whose rules block the probes.
    expect(scan(k(), { sgp, ...eniWith([SG_DB]) }).codes).toEqual(['SGP_POD_DRIFT:info:shop/Deployment/web', 'SGP_SG_BLOCKS_PROBES:warning:shop/Deployment/web']);
  });

  test('SGP_SG_BLOCKS_DNS: UDP and TCP 53 to the CoreDNS pods, by group or by CIDR', () => {
    const udpOnly = securityGroup(SG_APP, { ingress: [tcp(0, 65535, { group: SG_CLUSTER })], egress: [udp(53, 53, { group: SG_CLUSTER })] });
    const r = scan(k(), withGroup(udpOnly));
    expect(r.codes).toEqual(['SGP_SG_BLOCKS_DNS:warning:shop/Deployment/web']);
    expect(r.by('SGP_SG_BLOCKS_DNS').details).toMatchObject({ blocked: [{ protocol: 'tcp', unreachable: ['coredns-1 (10.40.1.77)'] }] });
    expect(r.by('SGP_SG_BLOCKS_DNS').reason).toMatch(/no TCP 53 to coredns-1 \(10\.40\.1\.77\)/);
    const nothing = securityGroup(SG_APP, { ingress: [tcp(0, 65535, { group: SG_CLUSTER })], egress: [tcp(443, 443, { cidr: '0.0.0.0/0' })] });
    expect(scan(k(), withGroup(nothing)).by('SGP_SG_BLOCKS_DNS').details).toMatchObject({ blocked: [{ protocol: 'udp' }, { protocol: 'tcp' }] });
    const byCidr = securityGroup(SG_APP, { ingress: [tcp(0, 65535, { group: SG_CLUSTER })], egress: [udp(53, 53, { cidr: '10.40.0.0/16' }), tcp(53, 53, { cidr: '10.40.1.77/32' })] });
    expect(scan(k(), withGroup(byCidr)).codes).toEqual([]);
    // No CoreDNS pod known: any CIDR rule for 53 counts, so nothing is invented.
    const noDns = { ...k(), pods: k().pods.filter((p) => p.metadata?.namespace !== 'kube-system') };
    expect(scan(noDns, withGroup(securityGroup(SG_APP, { ingress: [tcp(0, 65535, { group: SG_CLUSTER })], egress: [udp(53, 53, { cidr: '192.168.0.0/16' }), tcp(53, 53, { cidr: '192.168.0.0/16' })] }))).codes).toEqual([]);
    expect(scan(noDns, withGroup(nothing)).by('SGP_SG_BLOCKS_DNS').details).toMatchObject({ blocked: [{ protocol: 'udp', unreachable: ['CoreDNS (no running pod found)'] }, { protocol: 'tcp' }] });
  });
});

describe('SGP_POD_DRIFT', () => {
  test("running pods whose branch ENI has other groups than the policies give now, or none although selected", () => {
    const r = scan(base({
      securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, [SG_APP])],
      pods: [
        web('web-5d9f7-a', { branchEni: 'eni-0a' }),
        web('web-5d9f7-b', { branchEni: 'eni-0b' }),
        // Created before the policy: no pod-eni request, no branch ENI.
        sgpPod({ name: 'api-1', labels: { app: 'web' }, owner: { kind: 'StatefulSet', name: 'api' } }),
        // Pending pods have no ENI to compare yet.
        web('web-5d9f7-c', { phase: 'Pending' }),
      ],
    }), { networkInterfaces: [trunk(I1), branch('eni-0a', [SG_DB]), branch('eni-0b', [SG_APP])] });
    expect(r.codes).toEqual(['SGP_POD_DRIFT:info:shop/Deployment/web', 'SGP_POD_DRIFT:info:shop/StatefulSet/api']);
    expect(r.by('SGP_POD_DRIFT', 'shop/Deployment/web').details).toMatchObject({ expectedGroupIds: [SG_APP], actualGroupIds: [[SG_DB]], podCount: 1, pods: [{ name: 'web-5d9f7-a', groupIds: [SG_DB], branchEniId: 'eni-0a' }] });
    expect(r.by('SGP_POD_DRIFT', 'shop/StatefulSet/api').details).toMatchObject({ actualGroupIds: [null] });
  });

  test('a policy deleted under running pods: they keep their branch ENI', () => {
    const r = scan(base({ pods: [web('web-5d9f7-a', { branchEni: 'eni-0a' })] }), { networkInterfaces: [trunk(I1), branch('eni-0a', [SG_APP])] });
    expect(r.codes).toEqual(['SGP_POD_DRIFT:info:shop/Deployment/web']);
    expect(r.by('SGP_POD_DRIFT').reason).toMatch(/no policy selects them now/);
  });
});

describe('SGP_PUBLIC_SUBNET', () => {
  const k = base({ securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, [SG_APP])], pods: [web('web-5d9f7-a', { branchEni: 'eni-0a' }), web('web-5d9f7-b', { phase: 'Pending' })] });
  const enis = { networkInterfaces: [trunk(I1), branch('eni-0a', [SG_APP], 'subnet-pub')], subnets: [subnet('subnet-nodes'), subnet('subnet-pub', '10.40.9.0/24')] };
  const tables = (over: Parameters<typeof routeTable>[1]) => rawSgp({
    securityGroups: GROUPS, securityGroupIdsLookedUp: LOOKED, routeTableSubnetsLookedUp: ['subnet-nodes', 'subnet-pub'],
    routeTables: [routeTable('rtb-main', { main: true, defaultRoute: 'nat-1' }), routeTable('rtb-pub', over)],
  });

  test('branch ENIs in a subnet routed to an internet gateway, strict mode: no internet', () => {
    const r = scan(k, { ...enis, sgp: tables({ subnets: ['subnet-pub'], defaultRoute: 'igw-1' }) });
    expect(r.codes).toEqual(['SGP_PUBLIC_SUBNET:warning:subnet-pub']);
    expect(r.by('SGP_PUBLIC_SUBNET').details).toMatchObject({ routeTableId: 'rtb-pub', internetGatewayId: 'igw-1', podCount: 1, workloads: [{ workload: 'shop/Deployment/web', pods: 1 }] });
    // The pending pod will get its ENI in its node's subnet: public through the VPC's main table.
    const main = scan(k, { ...enis, sgp: rawSgp({ securityGroups: GROUPS, securityGroupIdsLookedUp: LOOKED, routeTableSubnetsLookedUp: ['subnet-nodes', 'subnet-pub'], routeTables: [routeTable('rtb-main', { main: true, defaultRoute: 'igw-9' })] }) });
    expect(main.codes).toEqual(['SGP_PUBLIC_SUBNET:warning:subnet-nodes', 'SGP_PUBLIC_SUBNET:warning:subnet-pub']);
    expect(scan(k, { ...enis, sgp: tables({ subnets: ['subnet-pub'], defaultRoute: 'nat-2' }) }).codes).toEqual([]);
    expect(scan({ ...k, awsNode: awsNode({ ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }) }, { ...enis, sgp: tables({ subnets: ['subnet-pub'], defaultRoute: 'igw-1' }) }).codes).toEqual([]);
  });
});

describe('PODS_NO_IP', () => {
  const k = (over: Partial<RawKubernetesCluster> = {}) => base({
    nodes: [node({ name: 'n1', instanceId: I1, pods: 29 })],
    awsNode: awsNode({}),
    pods: [
      pod({ name: 'api-7c-a', namespace: 'shop', node: 'n1', phase: 'Pending', owner: { kind: 'ReplicaSet', name: 'api-7c' }, templateHash: '7c' }),
      pod({ name: 'api-7c-b', namespace: 'shop', node: 'n1', phase: 'Pending', owner: { kind: 'ReplicaSet', name: 'api-7c' }, templateHash: '7c' }),
      ...Array.from({ length: 26 }, (_, i) => pod({ name: `filler-${i}`, node: 'n1' })),
    ],
    events: [noIp({ pod: 'api-7c-a', first: '2026-01-01T11:05:00Z' }), noIp({ pod: 'api-7c-b', first: '2026-01-01T11:58:00Z' })],
    ...over,
  });

  // Pods bound to the node count against it whether or not they got their address (as in NODE_IP_PRESSURE).
  test('stuck longer than the threshold, with the node\'s IP pressure as the hint', () => {
    const r = scan(k(), { networkInterfaces: [] });
    expect(r.codes).toEqual(['PODS_NO_IP:warning:shop/Deployment/api']);
    expect(r.by('PODS_NO_IP').details).toMatchObject({ podCount: 1, pods: ['api-7c-a'], stuckSeconds: 3300, nodes: [{ node: 'n1', vpcIpPods: 28, ipCapacity: 27, nodeIpPressure: true }] });
    expect(r.by('PODS_NO_IP').reason).toMatch(/node n1 is at IP capacity \(NODE_IP_PRESSURE\)/);
    const longer = AuditConfigSchema.parse({ sgp: { noIpStuckSeconds: 4000 } });
    expect(scan(k(), { networkInterfaces: [] }, longer).codes).toEqual([]);
  });

  test('explained pods are left to the SGP finding; recovered pods are not stuck', () => {
    const sgpStuck = k({
      awsNode: awsNode({ ENABLE_POD_ENI: 'true' }),
      nodes: [node({ name: 'n1', type: 't3.large', instanceId: I1 })],
      securityGroupPolicies: [podPolicy('api-sgp', { app: 'api' }, [SG_APP])],
      pods: [sgpPod({ name: 'api-7c-a', node: 'n1', phase: 'Pending', labels: { app: 'api' }, podEni: true, owner: { kind: 'ReplicaSet', name: 'api-7c' }, templateHash: '7c' })],
    });
    expect(scan(sgpStuck, { networkInterfaces: [], instances: [instance(I1, 't3.large')] }).codes).toEqual(['SGP_NODE_NOT_TRUNK_CAPABLE:critical:n1']);
    const recovered = k({ pods: [sgpPod({ name: 'api-7c-a', node: 'n1', startedAt: '2026-01-01T11:59:30Z', owner: { kind: 'ReplicaSet', name: 'api-7c' }, templateHash: '7c' })] });
    expect(scan(recovered, { networkInterfaces: [] }).codes).toEqual([]);
  });
});

describe('malformed objects never stop a sweep', () => {
  test('bad annotations, events without an involved object, policies without a name: skipped and recorded', () => {
    const k = base({
      securityGroupPolicies: [podPolicy('web-sgp', { app: 'web' }, [SG_APP]), { kind: 'SecurityGroupPolicy', metadata: { namespace: 'shop' } }],
      pods: [
        web('web-5d9f7-a', { annotations: { 'vpc.amazonaws.com/pod-eni': '[{"eniId":' } }),
        web('web-5d9f7-b', { annotations: { 'vpc.amazonaws.com/pod-eni': '{"eniId":"eni-1"}' } }),
        { kind: 'Pod', metadata: { name: 'bare', namespace: 'shop' } },
      ],
      events: [
        { kind: 'Event', metadata: { name: 'orphan.1', namespace: 'default' }, type: 'Warning', reason: 'BranchAllocationFailed', message: "InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-0dead00000000beef' does not exist" },
        { kind: 'Event', metadata: { name: 'odd.2', namespace: 'default' }, involvedObject: { kind: 'Pod' }, reason: 'FailedCreatePodSandBox' },
      ],
    });
    const r = scan(k);
    expect(r.codes).toEqual([]);
    expect(r.inv.kubernetes![0]!.sgp.skipped).toEqual([
      { kind: 'Pod', name: 'shop/web-5d9f7-a', reason: 'vpc.amazonaws.com/pod-eni is not JSON; its branch ENI is not judged (SGP_POD_DRIFT, SGP_PUBLIC_SUBNET)' },
      { kind: 'Pod', name: 'shop/web-5d9f7-b', reason: 'vpc.amazonaws.com/pod-eni is not a JSON list; its branch ENI is not judged (SGP_POD_DRIFT, SGP_PUBLIC_SUBNET)' },
      { kind: 'SecurityGroupPolicy', name: 'shop/?', reason: 'no metadata.name' },
      { kind: 'Event', name: 'default/orphan.1', reason: 'BranchAllocationFailed has no involved object' },
      { kind: 'Event', name: 'default/odd.2', reason: 'FailedCreatePodSandBox has no involved object' },
    ]);
  });

  test('not collected (an older snapshot): the policy checks say nothing, the events are still read', () => {
    const k = kubeCluster({
      nodes: [node({ name: 'n1', instanceId: I1 })],
      pods: [web('web-5d9f7-a', { phase: 'Pending' })],
      events: [branchFailed({ pod: 'web-5d9f7-a' })],
    });
    const r = scan(k, { sgp: undefined });
    expect(r.inv.kubernetes![0]!.sgp.policies).toBeNull();
    expect(r.codes).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/web/-/${SG_MISSING}`]);
  });
});
