import { describe, expect, test } from '@jest/globals';
import type { Instance, InstanceTypeInfo, Subnet } from '@aws-sdk/client-ec2';
import { buildInventory } from '../../src/collect/build-inventory.js';
import type { RawKubernetesCluster } from '../../src/collect/kubernetes/raw-kubernetes.js';
import type { RawAwsData } from '../../src/collect/raw.js';
import { allNodeUsage } from '../../src/check/capacity/node-usage.js';
import { runChecks } from '../../src/check/registry.js';
import { AuditConfigSchema, defaultConfig, type AuditConfig } from '../../src/config/audit-config.js';
import { awsNode, cniNode, eniConfig, event, kubeCluster, node, pod, pods } from '../fixtures/kube.js';
import { eni, rawData, rcTags } from '../fixtures/raw.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const ec2Instance = (id: string, type: string, subnetId = 'subnet-1'): Instance => ({
  InstanceId: id, InstanceType: type as Instance['InstanceType'], State: { Name: 'running' }, SubnetId: subnetId, VpcId: 'vpc-1',
  Tags: [{ Key: 'eks:cluster-name', Value: 'alpha' }],
});
const trunkOf = (instanceId: string, id = 'eni-trunk1') =>
  eni({ id, description: 'aws-k8s-trunk-eni', status: 'in-use', attachedTo: instanceId, tags: rcTags('alpha', { 'node.k8s.amazonaws.com/instance_id': instanceId }) });
const hostPods = (nodeName: string) => pods(2, nodeName, { hostNetwork: true }, `${nodeName}-host`);

function scan(k: RawKubernetesCluster, over: Partial<RawAwsData> = {}, config: AuditConfig = defaultConfig()) {
  const inv = buildInventory(rawData({ kubernetes: [k], instances: [ec2Instance('i-0000000000000000a', 'm5.large')], instanceIdsLookedUp: ['i-0000000000000000a'], ...over }));
  const findings = runChecks(inv, { now: NOW, config });
  const usage = allNodeUsage(inv);
  return { inv, findings, usage, codes: findings.map((f) => `${f.code}:${f.severity}:${f.resource.id}`).sort() };
}

describe('NODE_IP_PRESSURE', () => {
  test("capacity is the smaller of kubelet's limit (minus host-network pods) and the ENIs' pod IPs", () => {
    // m5.large: 3 ENIs x 9 = 27 pod IPs; kubelet 29 - 2 host-network pods = 27 as well; 24 pods = 88.9 %.
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', pods: 29 })], pods: [...hostPods('n1'), ...pods(24, 'n1')] }));
    expect(r.usage[0]).toMatchObject({ vpcIpPods: 24, hostNetworkPods: 2, ip: { capacity: 27, eniLimit: 27, kubeletLimit: 27 } });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
    expect(r.findings[0]?.details).toMatchObject({ vpcIpPods: 24, capacity: 27, percent: 88.9 });

    // kubelet limited to 20: 17 of 18 (20 - 2 host-network) = 94.4 %, still a warning; 18 of 18 is critical.
    expect(scan(kubeCluster({ nodes: [node({ name: 'n1', pods: 20 })], pods: [...hostPods('n1'), ...pods(17, 'n1')] })).findings[0]?.details).toMatchObject({ limitedBy: 'kubelet', capacity: 18 });
    expect(scan(kubeCluster({ nodes: [node({ name: 'n1', pods: 20 })], pods: [...hostPods('n1'), ...pods(18, 'n1')] })).codes).toEqual(['NODE_IP_PRESSURE:critical:n1']);
  });

  test('host-network pods and completed pods hold no VPC IP', () => {
    const r = scan(kubeCluster({
      nodes: [node({ name: 'n1', pods: 110 })],
      pods: [...pods(5, 'n1', { hostNetwork: true }, 'host'), ...pods(4, 'n1', { phase: 'Succeeded' }, 'done'), ...pods(3, 'n1', { phase: 'Failed' }, 'failed'), ...pods(10, 'n1')],
    }));
    expect(r.usage[0]).toMatchObject({ pods: 15, vpcIpPods: 10, hostNetworkPods: 5 });
    expect(r.codes).toEqual([]);
  });

  test('thresholds are configurable', () => {
    const config = AuditConfigSchema.parse({ capacity: { nodeIpWarningPercent: 30, nodeIpCriticalPercent: 40 } });
    expect(scan(kubeCluster({ nodes: [node({ name: 'n1' })], pods: pods(10, 'n1') }), {}, config).codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
    expect(() => AuditConfigSchema.parse({ capacity: { nodeIpWarningPercent: 90, nodeIpCriticalPercent: 80 } })).toThrow(/warning percentages/);
  });

  test('a trunk (Security Groups for Pods) takes one ENI slot; branch pods do not hold node IPs', () => {
    const r = scan(kubeCluster({
      nodes: [node({ name: 'n1', podEni: 9 })],
      cniNodes: [cniNode('n1', [{ name: 'SecurityGroupsForPods' }])],
      pods: [...pods(16, 'n1'), ...pods(4, 'n1', { podEni: true }, 'sgp')],
    }), { networkInterfaces: [trunkOf('i-0000000000000000a')] });
    expect(r.usage[0]).toMatchObject({ vpcIpPods: 16, branchPods: 4, ip: { eniLimit: 18, eni: { podEniSlots: 2, trunkSlot: true } }, branch: { used: 4, limit: 9, trunk: 'attached' } });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
  });

  test('custom networking takes one slot; pods then live in the ENIConfig subnet', () => {
    const k = kubeCluster({
      nodes: [node({ name: 'n1', labels: { 'k8s.amazonaws.com/eniConfig': 'us-east-1a' } })],
      eniConfigs: [eniConfig('us-east-1a', 'subnet-pods')],
      awsNode: awsNode({ AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' }),
      pods: pods(17, 'n1'),
    });
    const r = scan(k);
    expect(r.usage[0]).toMatchObject({ ip: { eniLimit: 18, eni: { customNetworkingSlot: true } }, podSubnetId: 'subnet-pods', node: { customNetworking: { eniConfig: 'us-east-1a', source: 'label' } } });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
    // The CNINode feature names the ENIConfig too, and wins; aws-node with custom networking off and no CNINode: not custom.
    const viaCniNode = scan({ ...k, nodes: [node({ name: 'n1' })], cniNodes: [cniNode('n1', [{ name: 'CustomNetworking', value: 'us-east-1a' }])], awsNode: null });
    expect(viaCniNode.usage[0]?.node.customNetworking).toEqual({ eniConfig: 'us-east-1a', source: 'cninode' });
    expect(scan({ ...k, awsNode: awsNode({}) }).usage[0]?.node.customNetworking).toBeNull();
  });

  test('prefix delegation multiplies each slot by 16 on Nitro; kubelet then limits', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', pods: 110 })], awsNode: awsNode({ ENABLE_PREFIX_DELEGATION: 'true' }), pods: pods(100, 'n1') }));
    expect(r.usage[0]).toMatchObject({ ip: { eniLimit: 3 * 9 * 16, kubeletLimit: 110, capacity: 110, limitedBy: 'kubelet', prefixDelegationFrom: 'aws-node' } });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
  });

  test('bare metal gets no prefix delegation', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', type: 'c5.metal', pods: 737 })], awsNode: awsNode({ ENABLE_PREFIX_DELEGATION: 'true' }), pods: pods(700, 'n1') }),
      { instances: [ec2Instance('i-0000000000000000a', 'c5.metal')] });
    expect(r.usage[0]?.ip.eni).toMatchObject({ prefixDelegation: false, prefixDelegationNotApplied: 'bare-metal', podIps: 15 * 49 });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:critical:n1']);
  });

  test('multiple network cards: only the default card counts', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', type: 'p5.48xlarge', pods: 100 })], pods: pods(90, 'n1') }));
    expect(r.usage[0]?.ip).toMatchObject({ eniLimit: 2 * 49, capacity: 98 });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
  });

  test('aws-node unreadable: prefix delegation is inferred when more pods hold IPs than secondary IPs allow', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', pods: 110 })], awsNode: null, missing: ['aws-node'], pods: pods(40, 'n1') }));
    expect(r.usage[0]?.ip).toMatchObject({ prefixDelegationFrom: 'inferred', eniLimit: 432, capacity: 110 });
    expect(r.codes).toEqual([]);
  });

  test('Fargate nodes are not judged', () => {
    expect(scan(kubeCluster({ nodes: [node({ name: 'fargate-ip-1', labels: { 'eks.amazonaws.com/compute-type': 'fargate' }, pods: 1 })], pods: pods(1, 'fargate-ip-1') })).codes).toEqual([]);
  });
});

describe('NODE_TYPE_UNKNOWN and nodes without the instance-type label', () => {
  const exotic = 'zz9.large';
  const info: InstanceTypeInfo = {
    InstanceType: exotic as InstanceTypeInfo['InstanceType'], Hypervisor: 'nitro', BareMetal: false,
    NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10, DefaultNetworkCardIndex: 0, NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }] },
  };

  test('a type only EC2 knows: capacity from DescribeInstanceTypes, branch limit unknown (info)', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', type: exotic, pods: 29 })], pods: pods(25, 'n1') }), { instanceTypes: [info] });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1', 'NODE_TYPE_UNKNOWN:info:n1']);
    expect(r.usage[0]?.node).toMatchObject({ limitsSource: 'ec2' });
    expect(r.findings.find((f) => f.code === 'NODE_TYPE_UNKNOWN')?.reason).toMatch(/branch-ENI limit is unknown/);
  });

  test('a type nobody knows: only kubelet is judged (warning)', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', type: exotic, pods: 20 })], pods: pods(19, 'n1') }));
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:critical:n1', 'NODE_TYPE_UNKNOWN:warning:n1']);
    expect(r.usage[0]?.ip).toMatchObject({ eniLimit: null, capacity: 20, limitedBy: 'kubelet' });
  });

  test('no instance-type label: the type comes from the EC2 instance named by providerID', () => {
    const r = scan(kubeCluster({ nodes: [node({ name: 'n1', type: null })], pods: pods(25, 'n1') }), { instances: [ec2Instance('i-0000000000000000a', 'm5.large', 'subnet-9')] });
    expect(r.usage[0]?.node).toMatchObject({ instanceType: 'm5.large', instanceTypeSource: 'ec2', limitsSource: 'table', subnetId: 'subnet-9' });
    expect(r.codes).toEqual(['NODE_IP_PRESSURE:warning:n1']);
    const unresolved = scan(kubeCluster({ nodes: [node({ name: 'n1', type: null })] }), { instances: [] });
    expect(unresolved.codes).toEqual(['NODE_TYPE_UNKNOWN:warning:n1']);
  });
});

describe('NODE_BRANCH_ENI_PRESSURE', () => {
  const sgpNode = (used: number) => kubeCluster({
    nodes: [node({ name: 'n1', podEni: 9 })],
    cniNodes: [cniNode('n1', [{ name: 'SecurityGroupsForPods' }])],
    pods: pods(used, 'n1', { podEni: true }, 'sgp'),
  });
  const withTrunk = { networkInterfaces: [trunkOf('i-0000000000000000a')] };

  test('branch ENIs used against the advertised pod-eni capacity', () => {
    expect(scan(sgpNode(7), withTrunk).codes).toEqual([]);
    expect(scan(sgpNode(8), withTrunk).codes).toEqual(['NODE_BRANCH_ENI_PRESSURE:warning:n1']);
    expect(scan(sgpNode(9), withTrunk).codes).toEqual(['NODE_BRANCH_ENI_PRESSURE:critical:n1']);
    expect(scan(sgpNode(9), withTrunk).findings[0]?.details).toMatchObject({ used: 9, limit: 9, limitSource: 'node', trunk: 'attached' });
  });

  test('without advertised capacity the limits table gives the limit', () => {
    const k = { ...sgpNode(8), nodes: [node({ name: 'n1' })] };
    expect(scan(k, withTrunk).findings[0]?.details).toMatchObject({ limit: 9, limitSource: 'table' });
  });

  test('a node that lost its trunk: no branch ENIs whatever it advertises; its slot stays reserved', () => {
    const r = scan(sgpNode(2));
    expect(r.codes).toEqual(['NODE_BRANCH_ENI_PRESSURE:critical:n1']);
    expect(r.findings[0]?.reason).toMatch(/no trunk ENI attached/);
    expect(r.usage[0]).toMatchObject({ branch: { trunk: 'missing', limit: 0 }, ip: { eniLimit: 18 } });
    expect(scan(sgpNode(0)).codes).toEqual(['NODE_BRANCH_ENI_PRESSURE:warning:n1']);
  });
});

describe('PODS_PENDING_BRANCH_ENI', () => {
  const insufficient = '0/3 nodes are available: 3 Insufficient vpc.amazonaws.com/pod-eni. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  const web = { owner: { kind: 'ReplicaSet', name: 'web-7d4b9c' }, templateHash: '7d4b9c', namespace: 'shop', node: null } as const;

  test('pending pods are grouped by workload; the condition is the latest verdict, an event the fallback', () => {
    const r = scan(kubeCluster({
      pods: [
        pod({ ...web, name: 'web-7d4b9c-a', unschedulable: insufficient, createdAt: '2026-01-01T11:58:00Z' }),
        pod({ ...web, name: 'web-7d4b9c-b', unschedulable: insufficient, createdAt: '2026-01-01T11:59:00Z' }),
        // No condition yet: the FailedScheduling event says why.
        pod({ ...web, name: 'web-7d4b9c-c', createdAt: '2026-01-01T11:59:30Z' }),
        // The latest verdict is about CPU, whatever an older event said.
        pod({ ...web, name: 'web-7d4b9c-d', unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' }),
        pod({ name: 'batch-1', namespace: 'shop', node: null, owner: { kind: 'Job', name: 'batch' }, unschedulable: insufficient, createdAt: '2026-01-01T11:30:00Z' }),
        // Scheduled and done: not pending, whatever their history.
        pod({ name: 'old', namespace: 'shop', node: 'n1', phase: 'Succeeded' }),
      ],
      events: [event({ pod: 'web-7d4b9c-c', namespace: 'shop' }), event({ pod: 'web-7d4b9c-d', namespace: 'shop' }), event({ pod: 'old', namespace: 'shop' })],
    }));
    expect(r.codes).toEqual(['PODS_PENDING_BRANCH_ENI:critical:shop/Job/batch', 'PODS_PENDING_BRANCH_ENI:warning:shop/Deployment/web']);
    const webFinding = r.findings.find((f) => f.resource.id === 'shop/Deployment/web')!;
    expect(webFinding.details).toMatchObject({ podCount: 3, pods: ['web-7d4b9c-a', 'web-7d4b9c-b', 'web-7d4b9c-c'], workload: { kind: 'Deployment', name: 'web' }, waitedSeconds: 120 });
    expect(webFinding.cluster).toBe('alpha');
  });
});

describe('SUBNET_IP_PRESSURE', () => {
  const subnet = (id: string, free: number, cidr = '10.0.1.0/24'): Subnet => ({ SubnetId: id, CidrBlock: cidr, AvailableIpAddressCount: free, VpcId: 'vpc-1', AvailabilityZone: 'us-east-1a' });
  const k = kubeCluster({ nodes: [node({ name: 'n1' })], eniConfigs: [eniConfig('us-east-1a', 'subnet-pods')] });

  test("nodes' and ENIConfigs' subnets are judged by free IPs, absolute and as a share; leaked ENIs' IPs are counted", () => {
    const leaked = eni({ id: 'eni-leak', description: 'aws-k8s-branch-eni', subnetId: 'subnet-1', tags: rcTags('alpha', { 'node.k8s.amazonaws.com/instance_id': 'i-gone' }) });
    const r = scan(k, {
      subnets: [subnet('subnet-1', 40), subnet('subnet-pods', 500, '100.64.0.0/20'), subnet('subnet-unused', 1)],
      networkInterfaces: [leaked], instanceIdsLookedUp: ['i-0000000000000000a', 'i-gone'],
    });
    expect(r.codes).toEqual(['LEAKED_BRANCH_ENI:warning:eni-leak', 'SUBNET_IP_PRESSURE:warning:subnet-1', 'SUBNET_IP_PRESSURE:warning:subnet-pods']);
    const s1 = r.findings.find((f) => f.resource.id === 'subnet-1')!;
    expect(s1.details).toMatchObject({ availableIps: 40, usableIps: 251, leakedEnis: 1, leakedIps: 1, usedFor: ['eni', 'node'] });
    // 500 free is plenty by count, but only 12.2 % of a /20: the share raises it.
    expect(r.findings.find((f) => f.resource.id === 'subnet-pods')?.details).toMatchObject({ availableIps: 500, freePercent: 12.2, usedFor: ['eniconfig'] });
  });

  test('critical below 16 free or 5 %', () => {
    expect(scan(k, { subnets: [subnet('subnet-1', 10)] }).codes).toEqual(['SUBNET_IP_PRESSURE:critical:subnet-1']);
    expect(scan(k, { subnets: [subnet('subnet-1', 200)] }).codes).toEqual([]);
  });
});

test('no Kubernetes part, no subnets: the capacity checks say nothing', () => {
  const inv = buildInventory(rawData());
  expect(runChecks(inv, { now: NOW, config: defaultConfig() })).toEqual([]);
});
