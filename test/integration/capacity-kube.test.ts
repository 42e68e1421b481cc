/**
 * Issue #3 end to end: a real kube-apiserver (test/harness/kube.ts) and moto (EC2, EKS). Nodes,
 * pods, events, CNINodes, ENIConfigs and aws-node are created through the API; the auditor reads
 * them with exactly deploy/kubernetes/clusterrole.yaml, through EKS auth (runScan, the Lambda path)
 * and through a kubeconfig (the CLI).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CreateSubnetCommand, EC2Client, RunInstancesCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { CoreV1Api, loadAllYaml, RbacAuthorizationV1Api, type V1ClusterRole } from '@kubernetes/client-node';
import { createAwsClients } from '../../src/aws/clients.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import type { KubernetesAccess } from '../../src/kube/targets.js';
import { runScan } from '../../src/run/scan.js';
import { MemoryStateStore } from '../../src/state/store.js';
import { startKube, type KubeHarness } from '../harness/kube.js';
import { clientConfig, freePort, startMoto, type MotoServer } from '../harness/moto.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { runCli } from '../fixtures/cli.js';
import { awsNode, cniNode, eniConfig, event, node, pod, pods } from '../fixtures/kube.js';
import { AwsSeeder, rc } from '../fixtures/seed-aws.js';
import { CLUSTER_ROLE_FILE, KubeSeeder, kubeConfigFor } from '../fixtures/seed-kube.js';

let kube: KubeHarness;
let moto: MotoServer;
let proxy: FaultProxy;
let restoreEnv: () => void;
let dir: string;
let ec2: EC2Client;
let ids: Awaited<ReturnType<typeof seed>>;

const INSUFFICIENT = '0/6 nodes are available: 6 Insufficient vpc.amazonaws.com/pod-eni. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.';

async function runInstance(type: string, subnetId: string): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: type as _InstanceType, SubnetId: subnetId,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'eks:cluster-name', Value: 'alpha' }] }],
  }));
  return out.Instances![0]!.InstanceId!;
}

/**
 * The estate. AWS: cluster alpha (live) and beta (live, API unreachable), a node subnet, a small
 * pods subnet for custom networking drained to 13 free IPs (4 held by leaked branch ENIs of the
 * deleted cluster "gone"), a trunk ENI on one node only. Kubernetes: six nodes, each one edge case.
 */
async function seed(aws: AwsSeeder, k: KubeSeeder) {
  const net = await aws.vpc('10.30.0.0/16');
  const podSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: '10.30.8.0/27', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  await aws.cluster('alpha', net.subnetId, net.sgId);
  await aws.cluster('beta', net.subnetId, net.sgId);
  const i = {
    sgp: await runInstance('m5.large', net.subnetId),
    lost: await runInstance('m5.large', net.subnetId),
    custom: await runInstance('m5.large', net.subnetId),
    nolabel: await runInstance('r9g.2xlarge', net.subnetId), // in EC2, not in the shipped table
    multi: await runInstance('p5.48xlarge', net.subnetId),
    quiet: await runInstance('m5.xlarge', net.subnetId),
  };
  const trunk = await aws.eni(net.subnetId, net.sgId, 'aws-k8s-trunk-eni', rc('alpha', { 'node.k8s.amazonaws.com/instance_id': i.sgp }));
  await aws.attach(trunk, i.sgp, 1);
  const leaked: string[] = [];
  for (let n = 0; n < 4; n++) leaked.push(await aws.eni(podSubnet, net.sgId, 'aws-k8s-branch-eni', rc('gone')));
  for (let n = 0; n < 10; n++) await aws.eni(podSubnet, net.sgId, 'app eni', {});

  await k.installCrds();
  await k.namespace('shop');
  await k.object(awsNode({ ENABLE_POD_ENI: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'false' }) as never);
  await k.object(eniConfig('pods-a', podSubnet) as never);
  const nodes = [
    // SGP with its trunk: 16 IP pods of 18 (two slots), 8 of 9 branch ENIs, plus host-network and finished pods.
    node({ name: 'n-sgp', instanceId: i.sgp, pods: 110, podEni: 9 }),
    // Advertises 9 branch ENIs, CNINode says SGP, but EC2 has no trunk on it.
    node({ name: 'n-lost', instanceId: i.lost, pods: 110, podEni: 9 }),
    // Custom networking (CNINode feature): pods in the small pods subnet, one slot fewer.
    node({ name: 'n-custom', instanceId: i.custom, pods: 110 }),
    // No instance-type label: EC2 says r9g.2xlarge, which only DescribeInstanceTypes knows.
    node({ name: 'n-nolabel', type: null, instanceId: i.nolabel, pods: 110 }),
    // 32 network cards, 2 ENIs on the default one.
    node({ name: 'n-multi', type: 'p5.48xlarge', instanceId: i.multi, pods: 200 }),
    node({ name: 'n-quiet', type: 'm5.xlarge', instanceId: i.quiet, pods: 58 }),
  ];
  for (const n of nodes) await k.node(n);
  await k.object(cniNode('n-sgp', [{ name: 'SecurityGroupsForPods' }]) as never);
  await k.object(cniNode('n-lost', [{ name: 'SecurityGroupsForPods' }]) as never);
  await k.object(cniNode('n-custom', [{ name: 'CustomNetworking', value: 'pods-a' }]) as never);

  const all = [
    ...pods(16, 'n-sgp'), ...pods(8, 'n-sgp', { podEni: true, namespace: 'shop' }, 'n-sgp-sgp'),
    ...pods(2, 'n-sgp', { hostNetwork: true }, 'n-sgp-host'),
    ...pods(3, 'n-sgp', { phase: 'Succeeded' }, 'n-sgp-done'), ...pods(2, 'n-sgp', { phase: 'Failed' }, 'n-sgp-failed'),
    ...pods(2, 'n-lost', { podEni: true, namespace: 'shop' }, 'n-lost-sgp'),
    ...pods(8, 'n-custom'),
    ...pods(60, 'n-nolabel'),
    ...pods(45, 'n-multi'),
    ...pods(10, 'n-quiet'),
    // Pending for lack of a branch ENI: three of one Deployment, one of them known only from its event.
    ...['a', 'b'].map((s) => pod({ name: `web-5d9f7-${s}`, namespace: 'shop', node: null, owner: { kind: 'ReplicaSet', name: 'web-5d9f7' }, templateHash: '5d9f7', podEni: true, unschedulable: INSUFFICIENT })),
    pod({ name: 'web-5d9f7-c', namespace: 'shop', node: null, owner: { kind: 'ReplicaSet', name: 'web-5d9f7' }, templateHash: '5d9f7', podEni: true }),
  ];
  for (const p of all) await k.pod(p);
  await k.event(event({ pod: 'web-5d9f7-c', namespace: 'shop', message: INSUFFICIENT }));
  return { ...i, trunk, leaked: leaked.sort(), podSubnet, nodeSubnet: net.subnetId };
}

beforeAll(async () => {
  [kube, moto] = await Promise.all([startKube(), startMoto()]);
  proxy = await startFaultProxy(moto.endpoint);
  restoreEnv = useAwsEnv(proxy.endpoint);
  dir = await mkdtemp(join(tmpdir(), 'vca-capacity-'));
  ec2 = new EC2Client(clientConfig(moto.endpoint));
  const t0 = Date.now();
  ids = await seed(new AwsSeeder(ec2, new EKSClient(clientConfig(moto.endpoint))), new KubeSeeder(kube));
  console.info(`capacity estate seeded in ${Date.now() - t0} ms`);
}, 15 * 60_000);

afterAll(async () => {
  restoreEnv?.();
  await proxy?.stop();
  await Promise.all([kube?.stop(), moto?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const rbac = () => kubeConfigFor(kube, kube.tokens.admin).makeApiClient(RbacAuthorizationV1Api);
const roleDocs = () => loadAllYaml(readFileSync(CLUSTER_ROLE_FILE, 'utf8')) as [V1ClusterRole, unknown];

let closedPort: number;
beforeAll(async () => {
  closedPort = await freePort();
});

/**
 * EKS auth as the Lambda does it, with the endpoint and CA swapped for the local API server (moto's
 * are fake). beta's API is a port nobody listens on: a cluster being deleted, say.
 */
const eksAccess = (token: string): KubernetesAccess => ({
  kind: 'eks',
  clusters: ['alpha', 'beta'],
  endpointFor: (c) => (c.name === 'alpha' ? { server: kube.server, caData: kube.caData } : { server: `https://127.0.0.1:${closedPort}`, caData: kube.caData }),
  tokenFor: async () => token,
});

async function scan(access: KubernetesAccess, pageSize = 500) {
  proxy.clearRequests();
  const out = await runScan({
    source: { kind: 'aws', region: 'us-east-1', clients: createAwsClients({ region: 'us-east-1' }) },
    clusters: null, config: defaultConfig(), store: new MemoryStateStore(), kubernetes: access, capacity: { pageSize },
  });
  const awsCalls = proxy.requests.map((r) => r.action);
  return { ...out, awsCalls, codes: out.findings.map((f) => `${f.code}:${f.severity}:${f.resource.id}`).sort() };
}

describe('capacity on a real API server', () => {
  test('the auditor reads what it needs with exactly deploy/kubernetes/clusterrole.yaml (EKS auth, paginated)', async () => {
    const k = new KubeSeeder(kube);
    await k.createFromFile(CLUSTER_ROLE_FILE);
    const t0 = Date.now();
    const r = await scan(eksAccess(kube.tokens.auditor), 2);
    const ms = Date.now() - t0;
    const big = await scan(eksAccess(kube.tokens.auditor), 500);
    console.info(`scan with page size 2: ${ms} ms, ${r.capacityStats?.kubernetesRequests} Kubernetes requests; page size 500: ${big.capacityStats?.kubernetesRequests} requests; AWS calls: ${JSON.stringify(countBy(big.awsCalls))}`);

    expect(r.codes).toEqual([
      ...ids.leaked.map((id) => `LEAKED_BRANCH_ENI:critical:${id}`),
      'NODE_BRANCH_ENI_PRESSURE:critical:n-lost',
      'PODS_PENDING_BRANCH_ENI:warning:shop/Deployment/web',
      `SUBNET_IP_PRESSURE:critical:${ids.podSubnet}`,
      'NODE_BRANCH_ENI_PRESSURE:warning:n-sgp',
      'NODE_IP_PRESSURE:warning:n-custom',
      'NODE_IP_PRESSURE:warning:n-multi',
      'NODE_IP_PRESSURE:warning:n-sgp',
      'NODE_TYPE_UNKNOWN:info:n-nolabel',
    ].sort());
    // Same answer however the lists are paged; small pages really paginate.
    expect(big.codes).toEqual(r.codes);
    // Pods come from etcd in pages of 2 (154 live pods: 77 pages); the cache-served node list is one page.
    expect(r.capacityStats!.kubernetesRequests).toBeGreaterThan(big.capacityStats!.kubernetesRequests + 76);
    // One request per list when everything fits a page: alpha reads nodes, pods, events (4 reasons), 3 CRDs, aws-node
    // and service accounts (11); unreachable beta counts the 8 lists it attempted (events stop at the first reason).
    expect(big.capacityStats!.kubernetesRequests).toBeLessThanOrEqual(19);

    const by = (code: string, id: string) => r.findings.find((f) => f.code === code && f.resource.id === id)!;
    expect(by('NODE_IP_PRESSURE', 'n-sgp').details).toMatchObject({ vpcIpPods: 16, capacity: 18, hostNetworkPods: 2, branchPods: 8, trunkSlot: true, limitedBy: 'eni' });
    expect(by('NODE_IP_PRESSURE', 'n-multi').details).toMatchObject({ vpcIpPods: 45, capacity: 49, podEniSlots: 1 });
    // ENABLE_POD_ENI reserves the trunk's slot on every trunking-compatible node; custom networking takes another.
    expect(by('NODE_IP_PRESSURE', 'n-custom').details).toMatchObject({ vpcIpPods: 8, capacity: 9, podEniSlots: 1, trunkSlot: true, customNetworking: { eniConfig: 'pods-a', source: 'cninode' }, subnetId: ids.podSubnet });
    expect(by('NODE_BRANCH_ENI_PRESSURE', 'n-sgp').details).toMatchObject({ used: 8, limit: 9, trunk: 'attached', trunkEniId: ids.trunk });
    expect(by('NODE_BRANCH_ENI_PRESSURE', 'n-lost').details).toMatchObject({ used: 2, limit: 0, trunk: 'missing' });
    expect(by('PODS_PENDING_BRANCH_ENI', 'shop/Deployment/web').details).toMatchObject({ podCount: 3, pods: ['web-5d9f7-a', 'web-5d9f7-b', 'web-5d9f7-c'] });
    expect(by('SUBNET_IP_PRESSURE', ids.podSubnet).details).toMatchObject({ availableIps: 13, usableIps: 27, leakedEnis: 4, leakedIps: 4, usedFor: ['eni', 'eniconfig'] });
    expect(by('NODE_TYPE_UNKNOWN', 'n-nolabel').details).toMatchObject({ instanceType: 'r9g.2xlarge', instanceTypeSource: 'ec2', limitsSource: 'ec2' });
    // The unreachable cluster is a gap; everything else was read.
    expect(r.report.gaps).toEqual([expect.objectContaining({ source: 'kubernetes:beta', affects: 'kubernetes', reason: expect.stringMatching(/^unreachable: ECONNREFUSED/) })]);
    // The API server gave exactly what the collector asked for: no finished pods, via the field selector.
    expect(r.raw.kubernetes?.[0]?.pods.some((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')).toBe(false);
  }, 120_000);

  test('without the role: the report names every missing permission, and the AWS-side checks still run', async () => {
    const r = await scan({ ...eksAccess(kube.tokens.noaccess), clusters: ['alpha'] } as KubernetesAccess);
    expect(r.report.gaps).toHaveLength(1);
    const reason = r.report.gaps[0]!.reason;
    for (const what of ['list nodes', 'list pods', 'list events', 'list cninodes.vpcresources.k8s.aws', 'list eniconfigs.crd.k8s.amazonaws.com', 'get daemonsets.apps kube-system/aws-node']) expect(reason).toContain(what);
    expect(reason).toMatch(/^forbidden: missing RBAC permissions to .*User \\"noaccess\\" cannot list resource \\"nodes\\"|^forbidden: missing RBAC permissions to .*noaccess/);
    expect(reason).toContain('deploy/kubernetes/clusterrole.yaml');
    expect(reason).toContain('Skipped for this cluster: NODE_IP_PRESSURE, NODE_BRANCH_ENI_PRESSURE, PODS_PENDING_BRANCH_ENI, NODE_TYPE_UNKNOWN');
    expect(r.codes).toEqual([...ids.leaked.map((id) => `LEAKED_BRANCH_ENI:critical:${id}`), `SUBNET_IP_PRESSURE:critical:${ids.podSubnet}`].sort());
  });

  test('every rule of the role is needed: without one, the gap names exactly that permission', async () => {
    const [role] = roleDocs();
    const api = rbac();
    // What the collector says it was refused: `list nodes`, `list cninodes.vpcresources.k8s.aws`, `get daemonsets.apps …`.
    const refused = (rule: NonNullable<V1ClusterRole['rules']>[number]) =>
      rule.resources!.map((res) => `${rule.resourceNames ? 'get' : 'list'} ${res}${rule.apiGroups![0] ? `.${rule.apiGroups![0]}` : ''}`);
    try {
      for (const [i, rule] of role.rules!.entries()) {
        await api.replaceClusterRole({ name: 'vpc-cni-auditor', body: { ...role, rules: role.rules!.filter((_, j) => j !== i) } });
        const r = await scan({ ...eksAccess(kube.tokens.auditor), clusters: ['alpha'] } as KubernetesAccess);
        const said = r.report.gaps.map((g) => g.reason.split(' (API server')[0]).join('\n');
        expect(r.report.gaps).toHaveLength(1);
        expect(said).toMatch(/^forbidden: missing RBAC permission/);
        for (const what of refused(rule)) expect(said).toContain(what);
      }
    } finally {
      await api.replaceClusterRole({ name: 'vpc-cni-auditor', body: role });
    }
    // And nothing more: the auditor can neither write what it reads nor read anything else.
    const status = (p: Promise<unknown>) => p.then(() => 200, (e: { code?: number }) => e.code);
    const auditor = kubeConfigFor(kube, kube.tokens.auditor);
    expect(await status(auditor.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: 'default', body: pod({ name: 'intruder' }) as never }))).toBe(403);
    expect(await status(auditor.makeApiClient(CoreV1Api).deleteNode({ name: 'n-quiet' }))).toBe(403);
    expect(await status(auditor.makeApiClient(CoreV1Api).listSecretForAllNamespaces())).toBe(403);
    expect(await status(auditor.makeApiClient(RbacAuthorizationV1Api).listClusterRole())).toBe(403);
  });

  test('CLI: kubeconfig context with --cluster, scan --show nodes as a table and as JSON', async () => {
    const kubeconfig = kube.kubeconfigFor(kube.tokens.auditor);
    const args = ['scan', '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--cluster', 'alpha', '--show', 'nodes', '--state', join(dir, 'state.json')];
    const json = await runCli([...args, '--format', 'json'], process.env);
    expect(json.code).toBe(0);
    const doc = json.json() as { nodes: Array<Record<string, unknown>>; findings: Array<{ code: string; cluster: string }>; gaps: unknown[] };
    expect(doc.gaps).toEqual([]);
    expect(doc.findings.filter((f) => f.code.startsWith('NODE_')).every((f) => f.cluster === 'alpha')).toBe(true);
    expect(doc.nodes.map((n) => n.node)).toEqual(['n-custom', 'n-lost', 'n-multi', 'n-nolabel', 'n-quiet', 'n-sgp']);
    expect(doc.nodes.find((n) => n.node === 'n-sgp')).toMatchObject({ instanceType: 'm5.large', vpcIpPods: 16, podCapacity: 18, branchEnisUsed: 8, branchEniLimit: 9, subnetId: ids.nodeSubnet });
    expect(doc.nodes.find((n) => n.node === 'n-custom')).toMatchObject({ subnetId: ids.podSubnet, subnetFreeIps: 13, podCapacity: 9 });
    expect(doc.nodes.find((n) => n.node === 'n-lost')).toMatchObject({ branchEnisUsed: 2, branchEniLimit: 0, trunk: 'missing' });

    const table = await runCli(args, process.env);
    expect(table.stdout).toMatch(/NODE\s+TYPE\s+PODS\/CAPACITY\s+LIMIT\s+BRANCH ENIS\s+SUBNET\s+FREE IPS/);
    expect(table.stdout).toMatch(/n-lost\s+m5\.large\s+0\/18\s+eni\s+2\/0 \(no trunk\)/);
    // ENABLE_POD_ENI is on, but nothing advertises branch ENIs on n-quiet: no branch column, yet its trunk slot is reserved.
    expect(table.stdout).toMatch(/n-quiet\s+m5\.xlarge\s+10\/42\s+eni\s+-\s/);
  });

  test('snapshot --out captures Kubernetes too; scan --snapshot gives the same findings offline', async () => {
    const out = join(dir, 'snap');
    const kubeconfig = kube.kubeconfigFor(kube.tokens.auditor);
    const written = await runCli(['snapshot', '--out', out, '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--cluster', 'alpha'], process.env);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(join('kubernetes', 'alpha', 'objects.json'));
    const live = await runCli(['scan', '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--cluster', 'alpha', '--format', 'json', '--state', join(dir, 'state2.json')], process.env);
    const offline = await runCli(['scan', '--snapshot', out, '--cluster', 'alpha', '--format', 'json']);
    expect([live.code, live.stderr, offline.code, offline.stderr]).toEqual([0, '', 0, '']);
    const codes = (r: typeof live) => (r.json().findings as Array<{ code: string; resource: { id: string } }>).map((f) => `${f.code}:${f.resource.id}`).sort();
    expect(codes(offline)).toEqual(codes(live));
  });
});

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
