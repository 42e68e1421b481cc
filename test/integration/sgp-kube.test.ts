/**
 * Issue #4 end to end: a real kube-apiserver with a SecurityGroupPolicy CRD written from the schema
 * facts (test/fixtures/crds), moto serving the security groups, route tables and the cluster's IAM
 * role. Policies, pods, service accounts and the resource controller's and kubelet's events (both
 * AWS SDK message shapes) are created through the API; the auditor reads them with exactly
 * deploy/kubernetes/clusterrole.yaml.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  AssociateRouteTableCommand, AttachInternetGatewayCommand, AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand, CreateRouteCommand, CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand,
  DeleteSecurityGroupCommand, EC2Client, RevokeSecurityGroupEgressCommand, RunInstancesCommand, type _InstanceType,
} from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ApiextensionsV1Api, loadAllYaml, RbacAuthorizationV1Api, type V1ClusterRole } from '@kubernetes/client-node';
import { createAwsClients } from '../../src/aws/clients.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import type { KubernetesAccess } from '../../src/kube/targets.js';
import { runScan } from '../../src/run/scan.js';
import { MemoryStateStore } from '../../src/state/store.js';
import type { AuditLogger } from '../../src/util/logger.js';
import { startKube, type KubeHarness } from '../harness/kube.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { runCli } from '../fixtures/cli.js';
import { awsNode, cniNode, event, node, pod } from '../fixtures/kube.js';
import { AwsSeeder, rc } from '../fixtures/seed-aws.js';
import { CLUSTER_ROLE_FILE, KubeSeeder, kubeConfigFor } from '../fixtures/seed-kube.js';
import { branchFailed, noIp, policy, podPolicy, sgpPod, sgRequested } from '../fixtures/sgp.js';

const SGP_CRD_FILE = fileURLToPath(new URL('../fixtures/crds/securitygrouppolicies.vpcresources.k8s.aws.yaml', import.meta.url));

let kube: KubeHarness;
let moto: MotoServer;
let proxy: FaultProxy;
let restoreEnv: () => void;
let ec2: EC2Client;
let ids: Awaited<ReturnType<typeof seedAws>>;
let seedMs = 0;

/** RFC 3339 without milliseconds, `minutes` before now (events carry whatever times their recorder gave them). */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function sg(vpcId: string, name: string): Promise<string> {
  return (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId!;
}

async function runInstance(type: string, subnetId: string, sgId: string): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: type as _InstanceType, SubnetId: subnetId, SecurityGroupIds: [sgId],
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'eks:cluster-name', Value: 'alpha' }] }],
  }));
  return out.Instances![0]!.InstanceId!;
}

/**
 * AWS: cluster alpha whose IAM role lacks AmazonEKSVPCResourceController; pod groups `app` (probes
 * from the nodes' group on 8080, egress only 443: no DNS) and `db` (no ingress at all); a group that
 * was deleted; a group of another VPC; a public subnet (default route to an internet gateway) with one
 * node; a t3 node; trunks and branch ENIs as the resource controller makes them.
 */
async function seedAws(aws: AwsSeeder, iam: IAMClient) {
  const net = await aws.vpc('10.40.0.0/16');
  const other = await aws.vpc('10.50.0.0/16');
  await aws.cluster('alpha', net.subnetId, net.sgId);
  await iam.send(new CreateRoleCommand({ RoleName: 'eks-cluster', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'eks-cluster', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' }));

  const nodes = await sg(net.vpcId, 'nodes');
  const app = await sg(net.vpcId, 'app');
  const db = await sg(net.vpcId, 'db');
  const gone = await sg(net.vpcId, 'deleted-later');
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: gone }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: nodes }] }] }));
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));

  const pub = (await ec2.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: '10.40.9.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: net.vpcId }));
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: net.vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: pub }));

  const i = { sgp: await runInstance('m5.large', net.subnetId, nodes), pub: await runInstance('m5.large', pub, nodes), t3: await runInstance('t3.large', net.subnetId, nodes) };
  const trunk = async (instanceId: string, subnetId: string) => {
    const id = await aws.eni(subnetId, nodes, 'aws-k8s-trunk-eni', rc('alpha', { 'node.k8s.amazonaws.com/instance_id': instanceId }));
    await aws.attach(id, instanceId, 1);
    return id;
  };
  const trunks = { sgp: await trunk(i.sgp, net.subnetId), pub: await trunk(i.pub, pub) };
  const branch = (subnetId: string, group: string, instanceId: string, trunkId: string, vlan: number) =>
    aws.eni(subnetId, group, 'aws-k8s-branch-eni', rc('alpha', { 'node.k8s.amazonaws.com/instance_id': instanceId, 'vpcresources.k8s.aws/trunk-eni-id': trunkId, 'vpcresources.k8s.aws/vlan-id': String(vlan) }));
  return {
    ...i, net, other, pub, igw, rtb, sg: { nodes, app, db, gone },
    branch: {
      // Created when api-sgp still named `db`; the policy names `app` now.
      api: await branch(pub, db, i.pub, trunks.pub, 1),
      workerA: await branch(net.subnetId, app, i.sgp, trunks.sgp, 1),
      workerB: await branch(net.subnetId, app, i.sgp, trunks.sgp, 2),
    },
  };
}

async function installSgpCrd(k: KubeSeeder) {
  await k.installCrds();
  await k.createFromFile(SGP_CRD_FILE);
  const ext = kubeConfigFor(kube, kube.tokens.admin).makeApiClient(ApiextensionsV1Api);
  for (let n = 0; ; n++) {
    const crd = await ext.readCustomResourceDefinition({ name: 'securitygrouppolicies.vpcresources.k8s.aws' });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (n > 100) throw new Error('the SecurityGroupPolicy CRD never became Established');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kubernetes: policies (valid, pre-landing, invalid), pods of four workloads, the events the controller and kubelet wrote. */
async function seedKube(k: KubeSeeder) {
  await installSgpCrd(k);
  await k.createFromFile(CLUSTER_ROLE_FILE);
  await k.namespace('shop');
  await k.object(awsNode({ ENABLE_POD_ENI: 'true' }) as never);
  await k.object({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop', labels: { team: 'api' } } } as never);
  for (const n of [node({ name: 'n-sgp', instanceId: ids.sgp, podEni: 9 }), node({ name: 'n-pub', instanceId: ids.pub, podEni: 9 }), node({ name: 'n-t3', type: 't3.large', instanceId: ids.t3 })]) await k.node(n);
  for (const n of ['n-sgp', 'n-pub']) await k.object(cniNode(n, [{ name: 'SecurityGroupsForPods' }]) as never);

  const policies = [
    podPolicy('web-sgp', { app: 'web' }, [ids.sg.app, ids.sg.gone]),
    policy('api-sgp', { serviceAccountSelector: { matchLabels: { team: 'api' } }, securityGroups: { groupIds: [ids.sg.app] } }),
    podPolicy('worker-sgp', { app: 'worker' }, [ids.sg.app]),
    // Before any pod lands: a typo, and a group copied from another VPC.
    podPolicy('report-sgp', { app: 'report' }, ['sg-0123456789abcdef0']),
    podPolicy('batch-sgp', { app: 'batch' }, [ids.other.sgId]),
    // Accepted by the API server, skipped or never matched by the controller.
    policy('no-selector', { securityGroups: { groupIds: [ids.sg.app] } }),
    policy('odd-operator', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, securityGroups: { groupIds: [ids.sg.app] } }),
  ];
  for (const p of policies) await k.object(p as never);

  const rs = (name: string, hash: string) => ({ owner: { kind: 'ReplicaSet', name: `${name}-${hash}` }, templateHash: hash });
  const web = (s: string, over: Parameters<typeof sgpPod>[0] extends infer S ? Partial<S> : never = {}) =>
    sgpPod({ name: `web-5d9f7-${s}`, ...rs('web', '5d9f7'), labels: { app: 'web' }, podEni: true, node: 'n-sgp', phase: 'Pending', ...over });
  const worker = (s: string, over: Parameters<typeof sgpPod>[0] extends infer S ? Partial<S> : never = {}) =>
    sgpPod({ name: `worker-6c8d-${s}`, ...rs('worker', '6c8d'), labels: { app: 'worker' }, podEni: true, node: 'n-sgp', ports: [{ name: 'http', containerPort: 8080 }], probes: { livenessProbe: { httpGet: { path: '/healthz', port: 'http' } } }, ...over });
  const pods = [
    web('a'), web('b'), web('c'),
    // Recovered: failed once, running since (the group existed then).
    web('d', { phase: 'Running', startedAt: ago(45) }),
    // A malformed annotation: logged and skipped, never a crash.
    web('e', { phase: 'Running', startedAt: ago(30), annotations: { 'vpc.amazonaws.com/pod-eni': '[{"eniId":' } }),
    sgpPod({ name: 'api-0', owner: { kind: 'StatefulSet', name: 'api' }, serviceAccount: 'api', podEni: true, node: 'n-pub', branchEni: ids.branch.api, podIp: '10.40.9.50', probes: { readinessProbe: { tcpSocket: { port: 9090 } } } }),
    worker('a', { branchEni: ids.branch.workerA }), worker('b', { branchEni: ids.branch.workerB }),
    worker('c', { node: 'n-t3', phase: 'Pending' }),
    // Not selected by any policy, out of IPs for an hour.
    sgpPod({ name: 'legacy-0', node: 'n-sgp', phase: 'Pending' }),
    sgpPod({ name: 'coredns-1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, node: 'n-sgp', podIp: '10.40.1.53' }),
  ];
  for (const p of pods) await k.pod(p);

  const events = [
    branchFailed({ pod: 'web-5d9f7-a', sg: ids.sg.gone, shape: 'v2', first: ago(58), last: ago(40) }),
    branchFailed({ pod: 'web-5d9f7-b', sg: ids.sg.gone, shape: 'v1', first: ago(50), last: ago(40) }),
    branchFailed({ pod: 'web-5d9f7-c', sg: ids.sg.gone, shape: 'combined', first: ago(20), last: ago(10) }),
    branchFailed({ pod: 'web-5d9f7-d', sg: ids.sg.gone, first: ago(55), last: ago(50) }),
    noIp({ pod: 'web-5d9f7-a', first: ago(58), last: ago(1) }),
    noIp({ pod: 'legacy-0', first: ago(60), last: ago(1) }),
    sgRequested('worker-6c8d-a', [ids.sg.app]),
    // An event whose involved object is empty: the API accepts it in `default`.
    { ...event({ pod: 'x', namespace: 'default', type: 'Warning', reason: 'BranchAllocationFailed', message: 'failed to allocate branch ENI to pod: InvalidSecurityGroupID.NotFound' }), involvedObject: {} },
  ];
  for (const e of events) {
    const { pod: _pod, namespace: _ns, ...body } = e as typeof e & { pod?: string; namespace?: string };
    await k.event(body);
  }
}

beforeAll(async () => {
  // moto knows AWS managed policies (AmazonEKSClusterPolicy, AmazonEKSVPCResourceController) only when asked to load them.
  const saved = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  try {
    [kube, moto] = await Promise.all([startKube(), startMoto()]);
  } finally {
    if (saved === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
    else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = saved;
  }
  proxy = await startFaultProxy(moto.endpoint);
  restoreEnv = useAwsEnv(proxy.endpoint);
  ec2 = new EC2Client(clientConfig(moto.endpoint));
  const t0 = Date.now();
  ids = await seedAws(new AwsSeeder(ec2, new EKSClient(clientConfig(moto.endpoint))), new IAMClient(clientConfig(moto.endpoint)));
  await seedKube(new KubeSeeder(kube));
  seedMs = Date.now() - t0;
}, 15 * 60_000);

afterAll(async () => {
  restoreEnv?.();
  await proxy?.stop();
  await Promise.all([kube?.stop(), moto?.stop()]);
});

const eksAccess = (token: string): KubernetesAccess => ({
  kind: 'eks', clusters: ['alpha'], endpointFor: () => ({ server: kube.server, caData: kube.caData }), tokenFor: async () => token,
});

async function scan(token = kube.tokens.auditor) {
  proxy.clearRequests();
  const logged: Array<Record<string, unknown>> = [];
  const logger: AuditLogger = { info() {}, error() {}, warn: (message, extra) => logged.push({ message, ...extra }) };
  const t0 = Date.now();
  const out = await runScan({
    source: { kind: 'aws', region: 'us-east-1', clients: createAwsClients({ region: 'us-east-1' }) },
    clusters: null, config: defaultConfig(), store: new MemoryStateStore(), kubernetes: eksAccess(token), logger,
  });
  const ms = Date.now() - t0;
  const by = (code: string, id?: string) => out.findings.find((f) => f.code === code && (id === undefined || f.resource.id === id))!;
  return { ...out, ms, logged, by, awsCalls: proxy.requests.map((r) => r.action), codes: out.findings.map((f) => `${f.code}:${f.severity}:${f.resource.id}`).sort() };
}

describe('Security Groups for Pods on a real API server', () => {
  test('exact findings, read with exactly deploy/kubernetes/clusterrole.yaml; malformed objects are logged skips', async () => {
    const r = await scan();
    const sgpCalls = r.awsCalls.filter((a) => /DescribeSecurityGroups|DescribeRouteTables|ListAttachedRolePolicies/.test(a));
    console.info(`sgp estate seeded in ${seedMs} ms; scan ${r.ms} ms, ${r.capacityStats?.kubernetesRequests} Kubernetes requests, SGP AWS calls ${JSON.stringify(sgpCalls)} (stats ${JSON.stringify(r.capacityStats?.sgp)})`);
    expect(r.report.gaps).toEqual([]);
    expect(r.codes).toEqual([
      `POD_STUCK_INVALID_SG:critical:shop/Deployment/web/web-sgp/${ids.sg.gone}`,
      'SGP_CLUSTER_ROLE_POLICY_MISSING:critical:alpha',
      'SGP_NODE_NOT_TRUNK_CAPABLE:critical:n-t3',
      'SGP_SG_OTHER_VPC:critical:shop/batch-sgp',
      'SGP_UNKNOWN_SG:critical:shop/report-sgp',
      'SGP_UNKNOWN_SG:critical:shop/web-sgp',
      'PODS_NO_IP:warning:shop/Pod/legacy-0',
      `SGP_PUBLIC_SUBNET:warning:${ids.pub}`,
      'SGP_INVALID:warning:shop/no-selector',
      'SGP_INVALID:warning:shop/odd-operator',
      'SGP_SG_BLOCKS_DNS:warning:shop/Deployment/worker',
      'SGP_SG_BLOCKS_PROBES:warning:shop/StatefulSet/api',
      'SGP_POD_DRIFT:info:shop/StatefulSet/api',
    ].sort());

    expect(r.by('POD_STUCK_INVALID_SG').details).toMatchObject({
      policy: { namespace: 'shop', name: 'web-sgp' }, missingGroupIds: [ids.sg.gone], podCount: 3, pods: ['web-5d9f7-a', 'web-5d9f7-b', 'web-5d9f7-c'], phases: { Pending: 3 },
    });
    // Stuck since the first failure (the API server stamped the pods just now), across both SDK shapes and the aggregated message.
    expect(r.by('POD_STUCK_INVALID_SG').details.stuckSeconds).toBeGreaterThanOrEqual(58 * 60 - 5);
    expect(r.by('SGP_UNKNOWN_SG', 'shop/web-sgp').details).toMatchObject({ missingGroupIds: [ids.sg.gone], selectedPods: 5, stuckPods: 3 });
    expect(r.by('SGP_UNKNOWN_SG', 'shop/report-sgp').details).toMatchObject({ missingGroupIds: ['sg-0123456789abcdef0'], selectedPods: 0 });
    expect(r.by('SGP_SG_OTHER_VPC').details).toMatchObject({ vpcId: ids.net.vpcId, foreignGroups: [{ groupId: ids.other.sgId, vpcId: ids.other.vpcId }] });
    expect(r.by('SGP_CLUSTER_ROLE_POLICY_MISSING').details).toMatchObject({ roleArn: 'arn:aws:iam::123456789012:role/eks-cluster', attachedPolicies: ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'] });
    expect(r.by('SGP_NODE_NOT_TRUNK_CAPABLE').details).toMatchObject({ capability: 'type-not-trunking', pods: ['shop/worker-6c8d-c'], notRunning: 1 });
    expect(r.by('SGP_SG_BLOCKS_PROBES').details).toMatchObject({ groupIds: [ids.sg.db], blockedProbes: [{ kind: 'readiness', port: 9090 }] });
    expect(r.by('SGP_SG_BLOCKS_DNS').details).toMatchObject({ groupIds: [ids.sg.app], podCount: 3, blocked: [{ protocol: 'udp', unreachable: ['coredns-1 (10.40.1.53)'] }, { protocol: 'tcp' }] });
    expect(r.by('SGP_POD_DRIFT').details).toMatchObject({ expectedGroupIds: [ids.sg.app], actualGroupIds: [[ids.sg.db]], policies: ['api-sgp'] });
    expect(r.by('SGP_PUBLIC_SUBNET').details).toMatchObject({ routeTableId: ids.rtb, internetGatewayId: ids.igw, podCount: 1 });
    expect(r.by('PODS_NO_IP').details).toMatchObject({ pods: ['legacy-0'], nodes: [{ node: 'n-sgp' }] });
    expect(r.by('PODS_NO_IP').details.stuckSeconds).toBeGreaterThanOrEqual(60 * 60 - 5);

    expect(r.logged).toEqual(expect.arrayContaining([
      expect.objectContaining({ message: 'kubernetes object skipped', kind: 'Pod', name: 'shop/web-5d9f7-e' }),
      expect.objectContaining({ message: 'kubernetes object skipped', kind: 'Event', reason: 'BranchAllocationFailed has no involved object' }),
    ]));
    // One batched, filtered lookup of every group; explicit and main route tables; one IAM call.
    expect(sgpCalls.sort()).toEqual(['DescribeRouteTables', 'DescribeRouteTables', 'DescribeSecurityGroups', 'ListAttachedRolePolicies']);
  }, 120_000);

  test('without the SGP rules of the role: a gap names them; the events still find the stuck pods', async () => {
    const rbac = kubeConfigFor(kube, kube.tokens.admin).makeApiClient(RbacAuthorizationV1Api);
    const [role] = loadAllYaml(readFileSync(CLUSTER_ROLE_FILE, 'utf8')) as [V1ClusterRole];
    const sgpRules = (r: NonNullable<V1ClusterRole['rules']>[number]) => r.resources!.includes('securitygrouppolicies') || r.resources!.includes('serviceaccounts');
    try {
      await rbac.replaceClusterRole({ name: 'vpc-cni-auditor', body: { ...role, rules: role.rules!.filter((r) => !sgpRules(r)) } });
      const r = await scan();
      expect(r.report.gaps).toHaveLength(1);
      expect(r.report.gaps[0]!.reason).toMatch(/^forbidden: missing RBAC permissions to /);
      for (const what of ['list securitygrouppolicies.vpcresources.k8s.aws', 'list serviceaccounts']) expect(r.report.gaps[0]!.reason).toContain(what);
      expect(r.report.gaps[0]!.reason).toMatch(/SecurityGroupPolicies are unknown/);
      expect(r.codes.filter((c) => c.includes('SGP_') || c.startsWith('POD_STUCK'))).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/web/-/${ids.sg.gone}`]);
    } finally {
      await rbac.replaceClusterRole({ name: 'vpc-cni-auditor', body: role });
    }
  }, 60_000);

  test('failed AWS lookups are gaps, never findings: no SGP_UNKNOWN_SG or role finding without an answer', async () => {
    const saved = process.env.VPC_CNI_AUDITOR_MAX_ATTEMPTS;
    process.env.VPC_CNI_AUDITOR_MAX_ATTEMPTS = '1';
    proxy.addFault({ action: 'DescribeSecurityGroups', kind: 'server-error', times: Infinity });
    proxy.addFault({ action: 'ListAttachedRolePolicies', kind: 'server-error', times: Infinity });
    try {
      const r = await scan();
      expect(r.report.gaps.map((g) => `${g.source}|${g.affects}`).sort()).toEqual(['ec2:DescribeSecurityGroups|security-groups', 'iam:ListAttachedRolePolicies eks-cluster|iam']);
      const codes = r.codes.map((c) => c.split(':')[0]);
      for (const code of ['SGP_UNKNOWN_SG', 'SGP_SG_OTHER_VPC', 'SGP_SG_BLOCKS_PROBES', 'SGP_SG_BLOCKS_DNS', 'SGP_CLUSTER_ROLE_POLICY_MISSING']) expect(codes).not.toContain(code);
      // What needs no lookup stands: the events, the policies' own shape, the nodes.
      expect(codes).toEqual(expect.arrayContaining(['POD_STUCK_INVALID_SG', 'SGP_INVALID', 'SGP_NODE_NOT_TRUNK_CAPABLE', 'SGP_POD_DRIFT', 'SGP_PUBLIC_SUBNET']));
    } finally {
      proxy.clearFaults();
      if (saved === undefined) delete process.env.VPC_CNI_AUDITOR_MAX_ATTEMPTS;
      else process.env.VPC_CNI_AUDITOR_MAX_ATTEMPTS = saved;
    }
  }, 60_000);

  test('CLI: snapshot --out captures policies, groups, route tables and the role; scan --snapshot finds the same offline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vca-sgp-'));
    try {
      const kubeconfig = kube.kubeconfigFor(kube.tokens.auditor);
      const out = join(dir, 'snap');
      const written = await runCli(['snapshot', '--out', out, '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--cluster', 'alpha'], process.env);
      expect(written.code).toBe(0);
      for (const f of ['describe-security-groups.json', 'describe-route-tables.json', join('list-attached-role-policies', 'alpha.json')]) expect(written.stdout).toContain(f);
      const live = await runCli(['scan', '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--cluster', 'alpha', '--format', 'json', '--state', join(dir, 'state.json'), '--verbose'], process.env);
      const offline = await runCli(['scan', '--snapshot', out, '--cluster', 'alpha', '--format', 'json']);
      expect([live.code, offline.code, offline.stderr]).toEqual([0, 0, '']);
      const codes = (r: typeof live) => (r.json().findings as Array<{ code: string; resource: { id: string } }>).map((f) => `${f.code}:${f.resource.id}`).sort();
      expect(codes(offline)).toEqual(codes(live));
      expect(codes(live)).toContain(`POD_STUCK_INVALID_SG:shop/Deployment/web/web-sgp/${ids.sg.gone}`);
      // --verbose logs the skipped objects as JSON lines on stderr.
      expect(live.stderr).toContain('"message":"kubernetes object skipped"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
