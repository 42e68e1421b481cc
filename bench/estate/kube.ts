import type { Rng } from './rng.js';
import type { EstateSize, KubeEstate, SynthInstance, SynthSubnet } from './types.js';

export interface KubeNodeSeed {
  cluster: string;
  instance: SynthInstance;
  trunkId: string;
  branchIds: string[];
}

export interface KubeSite {
  cluster: string;
  subnets: SynthSubnet[];
  sgId: string;
}

/** Pods on branch ENIs carry it; each namespace's SecurityGroupPolicy selects it. */
const SGP_LABEL = 'bench.vpc-cni-auditor/security-group';
const NAMESPACES = Array.from({ length: 20 }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const tsCache = new Map<number, string>();
const ts = (offsetS: number): string => {
  let v = tsCache.get(offsetS);
  if (v === undefined) tsCache.set(offsetS, (v = new Date(T0 + offsetS * 1000).toISOString()));
  return v;
};

const nodeName = (inst: SynthInstance) => `ip-${inst.privateIp.replaceAll('.', '-')}.ec2.internal`;

let uidCounter = 0;
/** Unique and cheap (the RNG is for choices, not for 150k UUIDs); 'rng' kept for call symmetry. */
function uid(_rng: Rng): string {
  const h = (uidCounter++).toString(16).padStart(12, '0');
  return `5f1c0de0-7a1e-4b6e-9c2d-${h}`;
}
const hex64 = (n: number) => n.toString(16).padStart(64, '0');

/** A node as kubelet reports it (images trimmed to a few, as on a fresh node). */
function node(seed: KubeNodeSeed, rng: Rng, rv: () => string): object {
  const inst = seed.instance;
  return {
    metadata: {
      name: nodeName(inst), uid: uid(rng), resourceVersion: rv(), creationTimestamp: ts(0),
      labels: {
        'kubernetes.io/hostname': nodeName(inst), 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': inst.instanceType, 'topology.kubernetes.io/zone': inst.az, 'topology.kubernetes.io/region': 'us-east-1',
        'eks.amazonaws.com/nodegroup': `${seed.cluster}-ng`, 'eks.amazonaws.com/capacityType': 'ON_DEMAND', 'vpc.amazonaws.com/has-trunk-attached': 'true',
      },
      annotations: { 'alpha.kubernetes.io/provided-node-ip': inst.privateIp, 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { providerID: `aws:///${inst.az}/${inst.id}` },
    status: {
      capacity: { cpu: '8', memory: '32408744Ki', pods: '58', 'ephemeral-storage': '83873772Ki', 'vpc.amazonaws.com/pod-eni': '38' },
      allocatable: { cpu: '7910m', memory: '31391912Ki', pods: '58', 'ephemeral-storage': '76224326324', 'vpc.amazonaws.com/pod-eni': '38' },
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
        type, status: type === 'Ready' ? 'True' : 'False', lastHeartbeatTime: ts(3600), lastTransitionTime: ts(60),
        reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`, message: type === 'Ready' ? 'kubelet is posting ready status' : `kubelet has no ${type}`,
      })),
      addresses: [{ type: 'InternalIP', address: inst.privateIp }, { type: 'Hostname', address: nodeName(inst) }, { type: 'InternalDNS', address: nodeName(inst) }],
      nodeInfo: {
        machineID: rng.hex(32), systemUUID: uid(rng), bootID: uid(rng), kernelVersion: '6.1.128-136.201.amzn2023.x86_64', osImage: 'Amazon Linux 2023.6.20250203',
        containerRuntimeVersion: 'containerd://1.7.25', kubeletVersion: 'v1.33.0-eks-2ab7f2c', kubeProxyVersion: 'v1.33.0-eks-2ab7f2c', operatingSystem: 'linux', architecture: 'amd64',
      },
      images: [
        { names: ['602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1'], sizeBytes: 47350215 },
        { names: ['602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.33.0-minimal-eksbuild.2'], sizeBytes: 37184519 },
        { names: ['602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/pause:3.10'], sizeBytes: 318731 },
      ],
    },
  };
}

interface PodSeed {
  cluster: string;
  ns: string;
  name: string;
  app: string;
  hash: string;
  nodeName: string | null;
  hostIP: string | null;
  branchId: string | null;
}

// Shared, never mutated: the stand-in only serialises these.
const RUNNING_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: ts(120) }));
const TOLERATIONS = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];

function pod(p: PodSeed, rng: Rng, rv: () => string, ip: string): object {
  const pending = p.nodeName === null;
  const requests: Record<string, string> = { cpu: '250m', memory: '256Mi', ...(p.branchId ? { 'vpc.amazonaws.com/pod-eni': '1' } : {}) };
  const limits: Record<string, string> = { memory: '512Mi', ...(p.branchId ? { 'vpc.amazonaws.com/pod-eni': '1' } : {}) };
  const conditions = pending
    ? [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: ts(7000), reason: 'Unschedulable', message: '0/50 nodes are available: 50 Insufficient vpc.amazonaws.com/pod-eni. preemption: 0/50 nodes are available: 50 No preemption victims found for incoming pod.' }]
    : RUNNING_CONDITIONS;
  return {
    metadata: {
      name: p.name, generateName: `${p.app}-${p.hash}-`, namespace: p.ns, uid: uid(rng), resourceVersion: rv(), creationTimestamp: ts(100),
      labels: { app: p.app, 'pod-template-hash': p.hash, ...(p.branchId ? { [SGP_LABEL]: 'true' } : {}) },
      ...(p.branchId ? { annotations: { 'vpc.amazonaws.com/pod-eni': JSON.stringify([{ eniId: p.branchId, ifAddress: '02:1f:3a:4b:5c:6d', privateIp: ip, vlanID: 1, subnetCidr: '10.0.0.0/18' }]) } } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${p.app}-${p.hash}`, uid: uid(rng), controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      containers: [{
        name: p.app, image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${p.app}:1.4.2`, ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests, limits }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', schedulerName: 'default-scheduler', priority: 0,
      tolerations: TOLERATIONS,
    },
    status: pending
      ? { phase: 'Pending', conditions, qosClass: 'Burstable' }
      : {
          phase: 'Running', conditions, hostIP: p.hostIP, podIP: ip, podIPs: [{ ip }], startTime: ts(110), qosClass: 'Burstable',
          containerStatuses: [{ name: p.app, ready: true, restartCount: 0, started: true, image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${p.app}:1.4.2`, imageID: `sha256:${hex64(p.app.length * 7919)}`, containerID: `containerd://${hex64(uidCounter++)}`, state: { running: { startedAt: ts(115) } } }],
        },
  };
}

function event(rng: Rng, rv: () => string, p: PodSeed, kind: 'scheduled' | 'pulled' | 'failed-scheduling' | 'sandbox'): object {
  const spec = {
    scheduled: { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${p.ns}/${p.name} to ${p.nodeName ?? ''}`, component: 'default-scheduler' },
    pulled: { type: 'Normal', reason: 'Pulled', message: `Container image "${p.app}:1.4.2" already present on machine`, component: 'kubelet' },
    'failed-scheduling': { type: 'Warning', reason: 'FailedScheduling', message: '0/50 nodes are available: 50 Insufficient vpc.amazonaws.com/pod-eni.', component: 'default-scheduler' },
    sandbox: { type: 'Warning', reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container', component: 'kubelet' },
  }[kind];
  return {
    metadata: { name: `${p.name}.${rng.hex(16)}`, namespace: p.ns, uid: uid(rng), resourceVersion: rv(), creationTimestamp: ts(7000) },
    involvedObject: { kind: 'Pod', namespace: p.ns, name: p.name, uid: uid(rng), apiVersion: 'v1', resourceVersion: rv() },
    reason: spec.reason, message: spec.message, source: { component: spec.component }, firstTimestamp: ts(7000), lastTimestamp: ts(7100),
    count: 1 + rng.int(5), type: spec.type, eventTime: null, reportingComponent: spec.component, reportingInstance: '',
  };
}

function awsNode(): object {
  const env = { ENABLE_POD_ENI: 'true', ENABLE_PREFIX_DELEGATION: 'false', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'false', WARM_ENI_TARGET: '1', AWS_VPC_K8S_CNI_LOGLEVEL: 'DEBUG' };
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'aws-node', namespace: 'kube-system', resourceVersion: '1' },
    spec: { template: { spec: { containers: [{ name: 'aws-node', image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] } } },
  };
}

/**
 * Each live cluster's nodes (one per running instance), pods spread over them (those on SGP
 * branch ENIs annotated), 1 % pending on pod-eni capacity, events, CNINodes and ENIConfigs.
 */
export function generateKube(sites: readonly KubeSite[], nodes: readonly KubeNodeSeed[], size: EstateSize, rng: Rng): KubeEstate[] {
  uidCounter = 0;
  let rvCounter = 1000;
  const rv = () => String(rvCounter++);
  const out = new Map<string, KubeEstate>(sites.map((s) => [s.cluster, {
    cluster: s.cluster, nodes: [], pods: [], events: [], cniNodes: [],
    securityGroupPolicies: NAMESPACES.map((ns) => ({
      apiVersion: 'vpcresources.k8s.aws/v1beta1', kind: 'SecurityGroupPolicy', metadata: { name: 'pods-sg', namespace: ns, resourceVersion: rv() },
      spec: { podSelector: { matchLabels: { [SGP_LABEL]: 'true' } }, securityGroups: { groupIds: [s.sgId] } },
    })),
    serviceAccounts: NAMESPACES.flatMap((ns) => ['default', 'app'].map((name) => ({ metadata: { name, namespace: ns, resourceVersion: rv() } }))),
    eniConfigs: s.subnets.map((sub) => ({ apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', kind: 'ENIConfig', metadata: { name: sub.az, resourceVersion: rv() }, spec: { subnet: sub.id, securityGroups: [s.sgId] } })),
    awsNode: awsNode(),
  }]));
  const podSeeds = new Map<string, PodSeed[]>(sites.map((s) => [s.cluster, []]));
  const pending = Math.round(size.pods * 0.01);
  let podIndex = 0;
  let ipIndex = 0;
  const podIp = () => `100.${64 + ((ipIndex >> 16) & 63)}.${(ipIndex >> 8) & 255}.${ipIndex++ & 255}`;
  const newPod = (cluster: string, nodeSeed: KubeNodeSeed | null, branchId: string | null): PodSeed => {
    const i = podIndex++;
    const appIndex = Math.floor(i / 17) % 500;
    const app = `svc-${String(appIndex).padStart(3, '0')}`;
    const hash = `${((appIndex + 1) * 2654435761 >>> 0).toString(16).padStart(8, '0')}7c`;
    const p: PodSeed = { cluster, ns: NAMESPACES[i % NAMESPACES.length]!, name: `${app}-${hash}-${rng.hex(5)}`, app, hash, nodeName: nodeSeed ? nodeName(nodeSeed.instance) : null, hostIP: nodeSeed?.instance.privateIp ?? null, branchId };
    podSeeds.get(cluster)!.push(p);
    return p;
  };

  const scheduled = size.pods - pending;
  nodes.forEach((n, idx) => {
    const k = out.get(n.cluster)!;
    k.nodes.push(node(n, rng, rv));
    k.cniNodes.push({ apiVersion: 'vpcresources.k8s.aws/v1alpha1', kind: 'CNINode', metadata: { name: nodeName(n.instance), resourceVersion: rv() }, spec: { features: [{ name: 'SecurityGroupsForPods' }], tags: { 'vpc.amazonaws.com/resource-owner': 'eks' } } });
    const count = Math.floor(scheduled / nodes.length) + (idx < scheduled % nodes.length ? 1 : 0);
    for (let j = 0; j < count; j++) {
      const p = newPod(n.cluster, n, n.branchIds[j] ?? null);
      k.pods.push(pod(p, rng, rv, podIp()));
    }
  });
  for (let i = 0; i < pending; i++) {
    const s = sites[i % sites.length]!;
    out.get(s.cluster)!.pods.push(pod(newPod(s.cluster, null, null), rng, rv, ''));
  }
  // Events: FailedScheduling for pending pods first, then sandbox failures and routine events.
  const all = [...podSeeds.values()].flat();
  const pendingPods = all.filter((p) => p.nodeName === null);
  const runningPods = all.filter((p) => p.nodeName !== null);
  for (let i = 0; i < size.events; i++) {
    const kind = i < pendingPods.length && i < size.events / 2 ? 'failed-scheduling' : i % 20 === 0 ? 'sandbox' : i % 2 === 0 ? 'scheduled' : 'pulled';
    const p = kind === 'failed-scheduling' ? pendingPods[i]! : (runningPods[rng.int(runningPods.length)] ?? pendingPods[0]);
    if (!p) break;
    out.get(p.cluster)!.events.push(event(rng, rv, p, kind));
  }
  return [...out.values()];
}
