import type { InstanceRecord } from '../../model/inventory.js';
import type {
  AwsNodeSettings, CniNodeRecord, EniConfigRecord, KubeEvent, KubeNode, KubePod, KubernetesCluster, WorkloadRef,
} from '../../model/kubernetes.js';
import {
  AWS_NODE, CNINODE_FEATURE_CUSTOM_NETWORKING, CNINODE_FEATURE_SGP, COMPUTE_TYPE_LABEL, DEFAULT_ENI_CONFIG_ANNOTATION,
  DEFAULT_ENI_CONFIG_LABEL, DEFAULT_ENI_CONFIG_NAME, EXTERNAL_ENI_CONFIG_LABEL, HAS_TRUNK_LABEL, INSTANCE_TYPE_LABEL,
  LEGACY_INSTANCE_TYPE_LABEL, POD_ENI_RESOURCE, POD_SG_ENFORCING_MODE_ENV, RC_ENI_CONFIG_LABEL, ZONE_LABEL,
} from '../../model/kube-marks.js';
import type { SkippedObject } from '../../model/sgp.js';
import { buildSgpPart, podSgpFields } from './build-sgp.js';
import type { InstanceLimits } from '../../limits/types.js';
import { shippedLimits } from '../../limits/instance-limits.js';
import type { RawCniNode, RawDaemonSet, RawEniConfig, RawEvent, RawKubernetesCluster, RawNode, RawPod } from './raw-kubernetes.js';

/** What the AWS side contributes to the Kubernetes records. */
export interface KubernetesContext {
  instances: ReadonlyMap<string, InstanceRecord>;
  /** Limits from EC2 DescribeInstanceTypes for types the shipped table lacks. */
  ec2Limits: ReadonlyMap<string, InstanceLimits>;
  /** Trunk ENI attached to each instance, from the ENI listing. */
  trunkByInstance: ReadonlyMap<string, string>;
}

/** Whole-number quantities only (pods, pod-eni); anything else is treated as unknown. */
export function countQuantity(q: string | number | undefined): number | null {
  if (q === undefined) return null;
  const s = String(q).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const k = /^(\d+)k$/.exec(s);
  return k ? Number(k[1]) * 1000 : null;
}

/** `aws:///us-east-1a/i-0123…` (EC2 nodes; Fargate and hybrid nodes have other shapes). */
export function parseProviderId(id: string | undefined): { zone: string | null; instanceId: string | null } {
  const m = /^aws:\/\/\/([^/]*)\/(i-[0-9a-f]+)$/.exec(id ?? '');
  return m ? { zone: m[1] || null, instanceId: m[2]! } : { zone: null, instanceId: null };
}

function awsNodeSettings(ds: RawDaemonSet | null): AwsNodeSettings | null {
  if (!ds) return null;
  const containers = ds.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === AWS_NODE.container) ?? containers[0];
  const env = new Map((c?.env ?? []).map((e) => [e.name ?? '', e.value ?? '']));
  const on = (k: string) => env.get(k)?.toLowerCase() === 'true';
  const maxEni = Number(env.get('MAX_ENI'));
  return {
    prefixDelegation: on('ENABLE_PREFIX_DELEGATION'),
    podEni: on('ENABLE_POD_ENI'),
    customNetworking: on('AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG'),
    eniConfigLabel: env.get('ENI_CONFIG_LABEL_DEF') || DEFAULT_ENI_CONFIG_LABEL,
    eniConfigAnnotation: env.get('ENI_CONFIG_ANNOTATION_DEF') || DEFAULT_ENI_CONFIG_ANNOTATION,
    maxEni: Number.isInteger(maxEni) && maxEni > 0 ? maxEni : null,
    // The CNI treats anything but "standard" as strict (pkg/sgpp).
    podSgEnforcingMode: env.get(POD_SG_ENFORCING_MODE_ENV)?.trim().toLowerCase() === 'standard' ? 'standard' : 'strict',
  };
}

const cniNode = (o: RawCniNode): CniNodeRecord | null =>
  o.metadata?.name ? { name: o.metadata.name, features: (o.spec?.features ?? []).map((f) => ({ name: f.name ?? '', value: f.value ?? null })) } : null;

const eniConfig = (o: RawEniConfig): EniConfigRecord | null =>
  o.metadata?.name ? { name: o.metadata.name, subnet: o.spec?.subnet ?? null, securityGroups: o.spec?.securityGroups ?? [] } : null;

/**
 * Custom networking and its ENIConfig. The CNINode feature is what ipamd itself wrote, so it wins.
 * Otherwise, with aws-node readable, follow the CNI's resolution order; without it, only an explicit
 * label or annotation counts (the "default" fallback needs the CNI setting we could not read).
 */
function customNetworking(n: RawNode, cni: CniNodeRecord | undefined, aws: AwsNodeSettings | null): KubeNode['customNetworking'] {
  const feature = cni?.features.find((f) => f.name === CNINODE_FEATURE_CUSTOM_NETWORKING);
  if (feature) return { eniConfig: feature.value ?? DEFAULT_ENI_CONFIG_NAME, source: 'cninode' };
  const labels = n.metadata?.labels ?? {};
  const annotations = n.metadata?.annotations ?? {};
  if (aws) {
    if (!aws.customNetworking) return null;
    if (labels[EXTERNAL_ENI_CONFIG_LABEL]) return { eniConfig: labels[EXTERNAL_ENI_CONFIG_LABEL], source: 'label' };
    if (annotations[aws.eniConfigAnnotation]) return { eniConfig: annotations[aws.eniConfigAnnotation]!, source: 'annotation' };
    if (labels[aws.eniConfigLabel]) return { eniConfig: labels[aws.eniConfigLabel]!, source: 'label' };
    return { eniConfig: DEFAULT_ENI_CONFIG_NAME, source: 'default' };
  }
  for (const key of [EXTERNAL_ENI_CONFIG_LABEL, DEFAULT_ENI_CONFIG_LABEL, RC_ENI_CONFIG_LABEL]) if (labels[key]) return { eniConfig: labels[key], source: 'label' };
  if (annotations[DEFAULT_ENI_CONFIG_ANNOTATION]) return { eniConfig: annotations[DEFAULT_ENI_CONFIG_ANNOTATION], source: 'annotation' };
  return null;
}

function node(n: RawNode, ctx: KubernetesContext, cniNodes: ReadonlyMap<string, CniNodeRecord>, aws: AwsNodeSettings | null): KubeNode | null {
  const name = n.metadata?.name;
  if (!name) return null;
  const labels = n.metadata?.labels ?? {};
  const { zone, instanceId } = parseProviderId(n.spec?.providerID);
  const instance = instanceId ? ctx.instances.get(instanceId) : undefined;
  const labelType = labels[INSTANCE_TYPE_LABEL] ?? labels[LEGACY_INSTANCE_TYPE_LABEL] ?? null;
  const instanceType = labelType ?? instance?.instanceType ?? null;
  const table = instanceType ? shippedLimits(instanceType) : null;
  const ec2 = instanceType && !table ? ctx.ec2Limits.get(instanceType) ?? null : null;
  const limits = table ?? ec2;
  const allocatable = n.status?.allocatable ?? {};
  const podEniAllocatable = countQuantity(allocatable[POD_ENI_RESOURCE]);
  const cni = cniNodes.get(name);
  const trunkEniId = instanceId ? ctx.trunkByInstance.get(instanceId) ?? null : null;

  // Anything that says the CNI runs this node with ENABLE_POD_ENI, so a slot is (or will be) the trunk's.
  const signals: string[] = [];
  if (cni?.features.some((f) => f.name === CNINODE_FEATURE_SGP)) signals.push('cninode-feature');
  if (labels[HAS_TRUNK_LABEL] === 'true') signals.push('has-trunk-attached-label');
  if ((podEniAllocatable ?? 0) > 0) signals.push('pod-eni-capacity');
  if (trunkEniId) signals.push('trunk-eni');
  if (aws?.podEni && limits?.trunking !== false) signals.push('aws-node-enable-pod-eni');

  return {
    name,
    instanceId,
    instanceType,
    instanceTypeSource: labelType ? 'label' : instanceType ? 'ec2' : null,
    zone: labels[ZONE_LABEL] ?? zone,
    subnetId: instance?.subnetId ?? null,
    allocatablePods: countQuantity(allocatable.pods),
    podEniAllocatable,
    computeType: labels[COMPUTE_TYPE_LABEL] ?? null,
    limits,
    limitsSource: table ? 'table' : ec2 ? 'ec2' : null,
    securityGroupsForPods: { enabled: signals.length > 0, signals },
    trunkEniId,
    customNetworking: customNetworking(n, cni, aws),
    prefixDelegation: aws ? aws.prefixDelegation : null,
    maxEni: aws?.maxEni ?? null,
  };
}

/** A ReplicaSet named `<deployment>-<pod-template-hash>` stands for its Deployment. */
export function workloadOf(p: RawPod): WorkloadRef {
  const owner = p.metadata?.ownerReferences?.find((o) => o.controller) ?? p.metadata?.ownerReferences?.[0];
  if (!owner?.kind || !owner.name) return { kind: 'Pod', name: p.metadata?.name ?? '' };
  const hash = p.metadata?.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
  return { kind: owner.kind, name: owner.name };
}

const podEniRequest = (p: RawPod): number => {
  let total = 0;
  for (const c of p.spec?.containers ?? []) {
    // Extended resources: a limit without a request means request = limit.
    total += countQuantity(c.resources?.requests?.[POD_ENI_RESOURCE] ?? c.resources?.limits?.[POD_ENI_RESOURCE]) ?? 0;
  }
  return total;
};

const newest = (...times: Array<string | null | undefined>): string | null =>
  times.filter((t): t is string => typeof t === 'string' && t.length > 0).sort().at(-1) ?? null;

function event(e: RawEvent): KubeEvent {
  return {
    namespace: e.metadata?.namespace ?? '',
    involvedObject: { kind: e.involvedObject?.kind ?? '', name: e.involvedObject?.name ?? '', namespace: e.involvedObject?.namespace ?? null },
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.series?.count ?? e.count ?? 1,
    lastSeen: newest(e.series?.lastObservedTime, e.lastTimestamp, e.eventTime, e.firstTimestamp),
    firstSeen: e.firstTimestamp || e.eventTime || null,
    component: e.reportingComponent || e.source?.component || null,
  };
}

/**
 * The scheduler rewrites PodScheduled=False with every failed attempt, so that condition is its
 * latest verdict and outlives events (which expire after an hour). A FailedScheduling event is the
 * fallback. A scheduled pod has no current failure.
 */
function schedulingFailure(p: RawPod, failedScheduling: ReadonlyMap<string, KubeEvent>): KubePod['schedulingFailure'] {
  if (p.spec?.nodeName) return null;
  const cond = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (cond?.message) return { message: cond.message, at: cond.lastTransitionTime ?? null, source: 'condition' };
  const ev = failedScheduling.get(`${p.metadata?.namespace}/${p.metadata?.name}`);
  return ev ? { message: ev.message, at: ev.lastSeen, source: 'event' } : null;
}

function pod(p: RawPod, failedScheduling: ReadonlyMap<string, KubeEvent>, skipped: SkippedObject[]): KubePod | null {
  const name = p.metadata?.name;
  if (!name) return null;
  return {
    namespace: p.metadata?.namespace ?? 'default',
    name,
    nodeName: p.spec?.nodeName || null,
    phase: p.status?.phase ?? 'Unknown',
    hostNetwork: p.spec?.hostNetwork === true,
    podEniRequest: podEniRequest(p),
    workload: workloadOf(p),
    createdAt: p.metadata?.creationTimestamp ?? null,
    schedulingFailure: schedulingFailure(p, failedScheduling),
    sgp: podSgpFields(p, skipped),
  };
}

/** Normalises one cluster's API objects. Pure: the same raw objects always give the same records. */
export function buildKubernetes(raw: RawKubernetesCluster, ctx: KubernetesContext): KubernetesCluster {
  const cniNodes = new Map<string, CniNodeRecord>();
  for (const o of raw.cniNodes) {
    const r = cniNode(o);
    if (r) cniNodes.set(r.name, r);
  }
  const eniConfigs = new Map<string, EniConfigRecord>();
  for (const o of raw.eniConfigs) {
    const r = eniConfig(o);
    if (r) eniConfigs.set(r.name, r);
  }
  const awsNode = awsNodeSettings(raw.awsNode);
  const events = raw.events.map(event);
  const failedScheduling = new Map<string, KubeEvent>();
  for (const e of events) {
    if (e.reason !== 'FailedScheduling' || e.involvedObject.kind !== 'Pod') continue;
    const key = `${e.involvedObject.namespace ?? e.namespace}/${e.involvedObject.name}`;
    const seen = failedScheduling.get(key);
    if (!seen || (e.lastSeen ?? '') > (seen.lastSeen ?? '')) failedScheduling.set(key, e);
  }
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  const skipped: SkippedObject[] = [];
  return {
    cluster: raw.cluster,
    access: raw.access,
    nodes: raw.nodes.map((n) => node(n, ctx, cniNodes, awsNode)).filter((n): n is KubeNode => n !== null).sort(byName),
    pods: raw.pods.map((p) => pod(p, failedScheduling, skipped)).filter((p): p is KubePod => p !== null)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    events,
    cniNodes,
    eniConfigs,
    awsNode,
    missing: [...raw.missing],
    sgp: buildSgpPart(raw, skipped),
  };
}
