import { Rng } from './rng.js';
import { generateKube, type KubeNodeSeed } from './kube.js';
import { CLUSTER_ROLE_POLICIES, generateNetwork, roleArnOf } from './network.js';
import type { Estate, EstateSize, Expected, LeakCode, SynthCluster, SynthEni, SynthInstance, SynthSubnet } from './types.js';

export interface GenerateOptions {
  seed?: number;
  /** Leaked ENIs; default 6 % of the EKS-described ENIs. */
  leaked?: number;
  /** Every n-th leaked ENI carries the auditor's ignore tag (0: none). Default 50. */
  ignoredEvery?: number;
}

/** The default proportions: 100k ENIs go with 5k nodes, 150k pods and 10k events. */
export const proportionalSize = (enis: number): EstateSize => ({
  enis,
  nodes: Math.max(1, Math.round(enis / 20)),
  pods: Math.round(enis * 1.5),
  events: Math.round(enis / 10),
});

const AZS = ['a', 'b', 'c'] as const;
const REGION = 'us-east-1';
// 4 ENIs of 15 IPv4 and 38 branch ENIs each: room for the ~30 pods (half on branch ENIs) a node gets.
const INSTANCE_TYPES = ['m5.2xlarge', 'c5.2xlarge', 'r5.2xlarge', 'm6i.2xlarge'] as const;
const OTHER_DESCRIPTIONS = ['ELB app/shop/50dc6c495c0c9188', 'AWS Lambda VPC ENI-orders', 'Interface for NAT Gateway nat-0a1b2c3d4e5f60718', 'Primary network interface', ''];

const rc = (cluster: string, extra: Record<string, string>): Record<string, string> => ({
  'eks:eni:owner': 'eks-vpc-resource-controller',
  [`kubernetes.io/cluster/${cluster}`]: 'owned',
  ...extra,
});

/** Builds ids, IPs and ENIs; keeps every id unique. */
class Factory {
  private readonly used = new Set<string>();
  private ipCounter = 0;

  constructor(readonly rng: Rng) {}

  id(prefix: string): string {
    for (;;) {
      const id = `${prefix}-0${this.rng.hex(16)}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  ip(): string {
    const n = this.ipCounter++;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }
}

interface Site {
  cluster: string;
  vpcId: string;
  subnets: SynthSubnet[];
  sgId: string;
}

interface LiveNode {
  site: Site;
  subnet: SynthSubnet;
  instance: SynthInstance;
  trunkId: string;
  branchIds: string[];
  nextVlan: number;
}

/**
 * A deterministic estate: the same size and seed always give the same ENIs, instances, clusters
 * and Kubernetes objects. Counts per category are exact (derived from the size); the RNG only
 * picks ids, placement and attributes.
 */
export function generateEstate(size: EstateSize, opts: GenerateOptions = {}): Estate {
  const seed = opts.seed ?? 7;
  const rng = new Rng(seed);
  const f = new Factory(rng);
  const N = size.enis;
  const M = size.nodes;
  const leakedTotal = opts.leaked ?? Math.round(N * 0.06);
  const availableNotOrphaned = Math.round(N * 0.01);
  const lookalikes = Math.round(N * 0.005);
  const others = Math.round(N * 0.1);
  const liveBranchCount = N - 3 * M - leakedTotal - availableNotOrphaned - lookalikes;
  if (liveBranchCount < 0) throw new RangeError(`estate of ${N} ENIs cannot hold ${M} nodes and ${leakedTotal} leaked ENIs`);

  const enis: SynthEni[] = [];
  const instances: SynthInstance[] = [];
  const subnets: SynthSubnet[] = [];

  const site = (cluster: string, index: number): Site => {
    const vpcId = f.id('vpc');
    const s = AZS.map((az, i) => {
      const subnet: SynthSubnet = { id: f.id('subnet'), vpcId, az: `${REGION}${az}`, cidr: `10.${index % 256}.${i * 64}.0/18`, availableIps: 8000 + rng.int(8000) };
      subnets.push(subnet);
      return subnet;
    });
    return { cluster, vpcId, subnets: s, sgId: f.id('sg') };
  };

  const eni = (s: Site, subnet: SynthSubnet, e: Omit<SynthEni, 'id' | 'vpcId' | 'subnetId' | 'az' | 'privateIp' | 'groups'> & { id?: string }): SynthEni => {
    const out: SynthEni = {
      vpcId: s.vpcId, subnetId: subnet.id, az: subnet.az, privateIp: f.ip(), groups: [{ id: s.sgId, name: `${s.cluster}-pods` }],
      ...e,
      id: e.id ?? f.id('eni'),
    };
    enis.push(out);
    return out;
  };

  const clusterCount = Math.max(1, Math.ceil(M / 500));
  const sites = Array.from({ length: clusterCount }, (_, i) => site(`prod-${String(i + 1).padStart(2, '0')}`, i));
  const goneSites = Array.from({ length: Math.max(1, Math.floor(clusterCount / 4)) }, (_, i) => site(`gone-${String(i + 1).padStart(2, '0')}`, 100 + i));
  const clusters: SynthCluster[] = sites.map((s) => ({
    name: s.cluster, vpcId: s.vpcId, subnetIds: s.subnets.map((x) => x.id), securityGroupId: s.sgId, clusterSecurityGroupId: f.id('sg'), roleArn: roleArnOf(s.cluster),
  }));
  const network = generateNetwork([
    ...sites.map((s, i) => ({ ...s, clusterSgId: clusters[i]!.clusterSecurityGroupId })),
    ...goneSites.map((s) => ({ ...s, clusterSgId: null })),
  ], (prefix) => f.id(prefix));

  const instance = (s: Site, subnet: SynthSubnet, state: SynthInstance['state']): SynthInstance => {
    const inst: SynthInstance = {
      id: f.id('i'), state, instanceType: rng.pick(INSTANCE_TYPES), vpcId: s.vpcId, subnetId: subnet.id, az: subnet.az, privateIp: f.ip(),
      tags: { 'aws:eks:cluster-name': s.cluster, [`kubernetes.io/cluster/${s.cluster}`]: 'owned', 'eks:nodegroup-name': `${s.cluster}-ng` },
    };
    instances.push(inst);
    return inst;
  };

  // Live nodes: a trunk and two CNI ENIs each (half the clusters set CLUSTER_NAME, so their CNI ENIs carry the cluster tag).
  const liveNodes: LiveNode[] = [];
  for (let n = 0; n < M; n++) {
    const s = sites[n % sites.length]!;
    const subnet = s.subnets[n % s.subnets.length]!;
    const inst = instance(s, subnet, 'running');
    const trunk = eni(s, subnet, {
      description: 'aws-k8s-trunk-eni', status: 'in-use', interfaceType: 'trunk', secondaryIps: [], requesterManaged: false, truth: 'live',
      tags: rc(s.cluster, { 'node.k8s.amazonaws.com/instance_id': inst.id }), attachment: { id: f.id('eni-attach'), instanceId: inst.id, deviceIndex: 1 },
    });
    for (let k = 0; k < 2; k++) {
      eni(s, subnet, {
        description: `aws-K8S-${inst.id}`, status: 'in-use', interfaceType: 'interface', requesterManaged: false, truth: 'live',
        secondaryIps: Array.from({ length: 14 }, () => f.ip()), tags: cniTags(inst.id, sites.indexOf(s) % 2 === 0 ? s.cluster : null),
        attachment: { id: f.id('eni-attach'), instanceId: inst.id, deviceIndex: 2 + k },
      });
    }
    liveNodes.push({ site: s, subnet, instance: inst, trunkId: trunk.id, branchIds: [], nextVlan: 1 });
  }

  const branchOn = (node: LiveNode, status: SynthEni['status'], truth: SynthEni['truth']): SynthEni => {
    const b = eni(node.site, node.subnet, {
      description: 'aws-k8s-branch-eni', status, interfaceType: 'branch', secondaryIps: [], requesterManaged: false, truth, attachment: null,
      tags: rc(node.site.cluster, { 'node.k8s.amazonaws.com/instance_id': node.instance.id, 'vpcresources.k8s.aws/trunk-eni-id': node.trunkId, 'vpcresources.k8s.aws/vlan-id': String(node.nextVlan++) }),
    });
    node.branchIds.push(b.id);
    return b;
  };
  for (let i = 0; i < liveBranchCount; i++) branchOn(liveNodes[i % M]!, 'in-use', 'live');
  // Cool-down branches of live nodes: available, but nothing proves them orphaned.
  for (let i = 0; i < availableNotOrphaned; i++) branchOn(liveNodes[rng.int(M)]!, 'available', 'available-not-orphaned');

  generateLeaked(leakedTotal, { f, rng, sites, goneSites, eni, instance, ignoredEvery: opts.ignoredEvery ?? 50 });

  for (let i = 0; i < lookalikes; i++) {
    const s = rng.pick(sites);
    const subnet = rng.pick(s.subnets);
    const requesterManaged = i % 2 === 1;
    eni(s, subnet, {
      description: requesterManaged ? `aws-K8S-${f.id('i')}` : 'aws-k8s-branch-eni', status: 'available', interfaceType: 'interface', secondaryIps: [],
      requesterManaged, truth: 'lookalike', attachment: null, tags: requesterManaged ? {} : { Name: 'hand-made' },
    });
  }
  for (let i = 0; i < others; i++) {
    const s = rng.pick(sites);
    const subnet = rng.pick(s.subnets);
    eni(s, subnet, {
      description: rng.pick(OTHER_DESCRIPTIONS), status: i % 3 === 0 ? 'available' : 'in-use', interfaceType: 'interface', secondaryIps: [],
      requesterManaged: i % 2 === 0, truth: 'other', attachment: null, tags: { team: 'web' },
    });
  }

  enis.sort((a, b) => (a.id < b.id ? -1 : 1));
  instances.sort((a, b) => (a.id < b.id ? -1 : 1));
  const nodeSeeds: KubeNodeSeed[] = liveNodes.map((n) => ({ cluster: n.site.cluster, instance: n.instance, trunkId: n.trunkId, branchIds: n.branchIds }));
  const kube = generateKube(sites.map((s) => ({ cluster: s.cluster, subnets: s.subnets, sgId: s.sgId })), nodeSeeds, size, rng);
  return {
    seed,
    size,
    enis,
    instances,
    clusters,
    listedClusters: [...clusters.map((c) => c.name), 'sandbox', 'data-platform'].sort(),
    deletedClusters: goneSites.map((s) => s.cluster),
    subnets,
    ...network,
    rolePolicies: Object.fromEntries(clusters.map((c) => [c.roleArn.split('/').pop()!, CLUSTER_ROLE_POLICIES])),
    kube,
    expected: { ...expectations(enis, instances), kube: { nodes: M, pods: size.pods, listedEvents: 0 } },
  };
}

const cniTags = (instanceId: string, cluster: string | null): Record<string, string> => ({
  'node.k8s.amazonaws.com/instance_id': instanceId,
  'node.k8s.amazonaws.com/createdAt': '2026-01-01T00:00:00Z',
  ...(cluster ? { 'cluster.k8s.amazonaws.com/name': cluster, 'eks:eni:owner': 'amazon-vpc-cni' } : {}),
});

interface LeakContext {
  f: Factory;
  rng: Rng;
  sites: Site[];
  goneSites: Site[];
  eni: (s: Site, subnet: SynthSubnet, e: Omit<SynthEni, 'id' | 'vpcId' | 'subnetId' | 'az' | 'privateIp' | 'groups'> & { id?: string }) => SynthEni;
  instance: (s: Site, subnet: SynthSubnet, state: SynthInstance['state']) => SynthInstance;
  ignoredEvery: number;
}

/**
 * Leaked ENIs, in the ways they really leak: branch ENIs of deleted clusters; branch, trunk and
 * CNI ENIs of terminated nodes; CNI ENIs of instances long gone (no longer described at all).
 */
function generateLeaked(total: number, c: LeakContext): void {
  const branchClusterDeleted = Math.round(total * 0.3);
  const branchDeadNode = Math.round(total * 0.25);
  const cniGone = Math.round(total * 0.2);
  const cniTerminated = Math.round(total * 0.15);
  const trunks = total - branchClusterDeleted - branchDeadNode - cniGone - cniTerminated;
  let leakIndex = 0;
  const leak = (s: Site, subnet: SynthSubnet, code: LeakCode, e: Omit<SynthEni, 'id' | 'vpcId' | 'subnetId' | 'az' | 'privateIp' | 'groups' | 'status' | 'truth' | 'attachment' | 'requesterManaged'> & { id?: string }) => {
    const ignored = c.ignoredEvery > 0 && ++leakIndex % c.ignoredEvery === 0;
    const tags = ignored ? { ...e.tags, 'vpc-cni-auditor/ignore': 'true' } : e.tags;
    c.eni(s, subnet, { ...e, tags, status: 'available', truth: 'leaked', leakCode: code, ignored, attachment: null, requesterManaged: false });
  };

  // Terminated nodes in live clusters: each holds up to 8 leaked ENIs; the first ones keep a detached trunk.
  const perNode = 8;
  const deadCount = Math.max(trunks, Math.ceil((branchDeadNode + cniTerminated + trunks) / perNode), 1);
  const dead = Array.from({ length: deadCount }, (_, i) => {
    const s = c.sites[i % c.sites.length]!;
    const subnet = c.rng.pick(s.subnets);
    const inst = c.instance(s, subnet, 'terminated');
    let trunkId: string;
    if (i < trunks) {
      trunkId = c.f.id('eni');
      leak(s, subnet, 'LEAKED_TRUNK_ENI', { id: trunkId, description: 'aws-k8s-trunk-eni', interfaceType: 'trunk', secondaryIps: [], tags: rc(s.cluster, { 'node.k8s.amazonaws.com/instance_id': inst.id }) });
    } else trunkId = c.f.id('eni'); // deleted with the instance
    return { s, subnet, inst, trunkId, vlan: 1 };
  });
  for (let i = 0; i < branchDeadNode; i++) {
    const d = dead[i % dead.length]!;
    leak(d.s, d.subnet, 'LEAKED_BRANCH_ENI', {
      description: 'aws-k8s-branch-eni', interfaceType: 'branch', secondaryIps: [],
      tags: rc(d.s.cluster, { 'node.k8s.amazonaws.com/instance_id': d.inst.id, 'vpcresources.k8s.aws/trunk-eni-id': d.trunkId, 'vpcresources.k8s.aws/vlan-id': String(d.vlan++) }),
    });
  }
  for (let i = 0; i < cniTerminated; i++) {
    const d = dead[i % dead.length]!;
    leak(d.s, d.subnet, 'LEAKED_CNI_ENI', {
      description: `aws-K8S-${d.inst.id}`, interfaceType: 'interface', secondaryIps: Array.from({ length: 14 }, () => c.f.ip()),
      tags: cniTags(d.inst.id, i % 2 === 0 ? d.s.cluster : null),
    });
  }
  // Instances terminated long ago: EC2 no longer describes them at all.
  const goneIds = Array.from({ length: Math.max(1, Math.ceil(cniGone / 4)) }, () => c.f.id('i'));
  for (let i = 0; i < cniGone; i++) {
    const s = c.sites[i % c.sites.length]!;
    const id = goneIds[i % goneIds.length]!;
    leak(s, c.rng.pick(s.subnets), 'LEAKED_CNI_ENI', { description: `aws-K8S-${id}`, interfaceType: 'interface', secondaryIps: [], tags: cniTags(id, null) });
  }
  // Deleted clusters: their nodes and trunks are long gone, ten branches per node.
  for (let i = 0; i < branchClusterDeleted; i++) {
    const node = Math.floor(i / 10);
    const s = c.goneSites[node % c.goneSites.length]!;
    const instanceId = `i-0${(0x1000000 + node).toString(16).padStart(16, 'f')}`;
    const trunkId = `eni-0${(0x1000000 + node).toString(16).padStart(16, 'f')}`;
    leak(s, s.subnets[node % s.subnets.length]!, 'LEAKED_BRANCH_ENI', {
      description: 'aws-k8s-branch-eni', interfaceType: 'branch', secondaryIps: [],
      tags: rc(s.cluster, { 'node.k8s.amazonaws.com/instance_id': instanceId, 'vpcresources.k8s.aws/trunk-eni-id': trunkId, 'vpcresources.k8s.aws/vlan-id': String((i % 10) + 1) }),
    });
  }
}

/** What a correct audit finds, worked out from the synthetic truth (not from the product's code). */
function expectations(enis: readonly SynthEni[], instances: readonly SynthInstance[]): Omit<Expected, 'kube'> {
  const eksDescribed = enis.filter((e) => e.truth !== 'other');
  const owned = eksDescribed.filter((e) => e.truth !== 'lookalike');
  const leaked = owned.filter((e) => e.truth === 'leaked');
  const listedIds = new Set(eksDescribed.map((e) => e.id));
  const instanceIds = new Set<string>();
  const trunkIds = new Set<string>();
  const clusters = new Set<string>();
  for (const e of owned) {
    const inst = e.tags['node.k8s.amazonaws.com/instance_id'];
    if (inst) instanceIds.add(inst);
    const trunk = e.tags['vpcresources.k8s.aws/trunk-eni-id'];
    if (trunk && e.interfaceType === 'branch') trunkIds.add(trunk);
    for (const [k, v] of Object.entries(e.tags)) if (k.startsWith('kubernetes.io/cluster/') && v === 'owned') clusters.add(k.slice('kubernetes.io/cluster/'.length));
    const cni = e.tags['cluster.k8s.amazonaws.com/name'];
    if (cni) clusters.add(cni);
  }
  const byId = new Map(instances.map((i) => [i.id, i]));
  for (const id of instanceIds) {
    const name = byId.get(id)?.tags['aws:eks:cluster-name'];
    if (name) clusters.add(name);
  }
  const count = (code: LeakCode) => leaked.filter((e) => e.leakCode === code).length;
  return {
    eksDescribed: eksDescribed.length,
    leakedByCode: { LEAKED_BRANCH_ENI: count('LEAKED_BRANCH_ENI'), LEAKED_TRUNK_ENI: count('LEAKED_TRUNK_ENI'), LEAKED_CNI_ENI: count('LEAKED_CNI_ENI') },
    leakedIds: leaked.map((e) => e.id),
    deletableIds: leaked.filter((e) => !e.ignored).map((e) => e.id),
    lookalikeIds: eksDescribed.filter((e) => e.truth === 'lookalike').map((e) => e.id),
    referencedInstanceIds: instanceIds.size,
    missingTrunkIds: [...trunkIds].filter((id) => !listedIds.has(id)).length,
    wantedClusters: [...clusters].sort(),
  };
}
