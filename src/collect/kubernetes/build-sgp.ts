import type {
  KubeSgpPart, PodBranchEni, PodProbe, PodSgpFields, ProbeKind, SecurityGroupPolicyRecord, SelectorField, SgpProblem, SkippedObject,
} from '../../model/sgp.js';
import { SG_ID } from '../../model/sgp.js';
import { POD_ENI_ANNOTATION } from '../../model/kube-marks.js';
import { formatSelector, parseSelector } from '../../util/label-selector.js';
import type { KubeObject, RawEvent, RawKubernetesCluster, RawPod } from './raw-kubernetes.js';

/**
 * Normalises the Security Groups for Pods side of one cluster (issue #4). Every field is read
 * defensively: objects come from the API, from snapshots and from hand-written files, and one odd
 * object must never stop a sweep. What cannot be used is recorded in `skipped` (logged by runScan)
 * or, for policies, as a problem the SGP_INVALID finding reports.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const stringMap = (v: unknown): Record<string, string> =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};

function selectorField(raw: unknown): SelectorField | null {
  // The resource controller tests `selector != nil`: JSON null and absent are both "not set".
  if (raw === undefined || raw === null) return null;
  const parsed = parseSelector(raw);
  return parsed.ok ? { selector: parsed.selector, text: formatSelector(parsed.selector) } : { selector: null, problem: parsed.problem };
}

/** One SecurityGroupPolicy; problems mirror the resource controller's filterPodSecurityGroups (domain facts §6). */
export function securityGroupPolicy(o: KubeObject): SecurityGroupPolicyRecord | null {
  const name = str(o.metadata?.name);
  if (!name) return null;
  const problems: SgpProblem[] = [];
  const spec = o.spec === undefined || o.spec === null ? {} : o.spec;
  if (!isRecord(spec)) problems.push({ kind: 'bad-spec', detail: 'spec is not an object' });
  const s = isRecord(spec) ? spec : {};
  const podSelector = selectorField(s.podSelector);
  const serviceAccountSelector = selectorField(s.serviceAccountSelector);
  if (!podSelector && !serviceAccountSelector) problems.push({ kind: 'no-selector', detail: 'neither podSelector nor serviceAccountSelector is set' });
  for (const [field, sel] of [['podSelector', podSelector], ['serviceAccountSelector', serviceAccountSelector]] as const) {
    if (sel && sel.selector === null) problems.push({ kind: 'bad-selector', detail: `${field}: ${sel.problem}` });
  }
  const groups = isRecord(s.securityGroups) ? s.securityGroups.groupIds : undefined;
  const groupIds: string[] = [];
  if (groups !== undefined && groups !== null && !Array.isArray(groups)) problems.push({ kind: 'bad-spec', detail: 'securityGroups.groupIds is not a list' });
  for (const g of Array.isArray(groups) ? groups : []) {
    if (typeof g !== 'string') {
      problems.push({ kind: 'bad-spec', detail: `securityGroups.groupIds holds a non-string (${JSON.stringify(g)})` });
      continue;
    }
    if (!groupIds.includes(g)) groupIds.push(g);
  }
  if (groupIds.length === 0 && !problems.some((p) => p.kind === 'bad-spec')) problems.push({ kind: 'no-group-ids', detail: 'securityGroups.groupIds is missing or empty' });
  const malformed = groupIds.filter((g) => !SG_ID.test(g));
  if (malformed.length) problems.push({ kind: 'malformed-group-id', detail: `not security group ids: ${malformed.join(', ')}` });
  const fatal = problems.some((p) => p.kind !== 'malformed-group-id');
  return {
    namespace: str(o.metadata?.namespace) ?? 'default',
    name,
    podSelector,
    serviceAccountSelector,
    groupIds,
    problems,
    applies: !fatal,
    createdAt: str(o.metadata?.creationTimestamp),
  };
}

/** `vpc.amazonaws.com/pod-eni`: a JSON list of trunk.ENIDetails. ipamd reads the keys case-insensitively; so do we. */
export function parsePodEniAnnotation(value: string): { enis: PodBranchEni[] } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { problem: `${POD_ENI_ANNOTATION} is not JSON` };
  }
  if (!Array.isArray(parsed)) return { problem: `${POD_ENI_ANNOTATION} is not a JSON list` };
  const enis: PodBranchEni[] = [];
  for (const [i, item] of parsed.entries()) {
    if (!isRecord(item)) return { problem: `${POD_ENI_ANNOTATION}[${i}] is not an object` };
    const field = (k: string): unknown => Object.entries(item).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
    const eniId = field('eniId');
    if (typeof eniId !== 'string' || !/^eni-[0-9a-f]+$/.test(eniId)) return { problem: `${POD_ENI_ANNOTATION}[${i}] has no valid eniId` };
    const vlan = field('vlanId');
    enis.push({ eniId, privateIp: str(field('privateIp')), vlanId: typeof vlan === 'number' && Number.isInteger(vlan) ? vlan : null, subnetCidr: str(field('subnetCidr')) });
  }
  return { enis };
}

const PROBES: ReadonlyArray<[string, ProbeKind]> = [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']];

/** IntOrString: a number, a numeric string, or a port name resolved against the container's ports. */
function resolvePort(raw: unknown, ports: ReadonlyMap<string, number>): { port: number | null; portName: string | null } {
  if (typeof raw === 'number') return { port: Number.isInteger(raw) && raw > 0 && raw < 65536 ? raw : null, portName: null };
  if (typeof raw !== 'string' || raw === '') return { port: null, portName: null };
  if (/^\d+$/.test(raw)) return resolvePort(Number(raw), ports);
  return { port: ports.get(raw) ?? null, portName: raw };
}

/** Network probes (httpGet, tcpSocket, grpc) of the pod's containers and restartable init containers (sidecars). */
export function podProbes(spec: unknown): PodProbe[] {
  if (!isRecord(spec)) return [];
  const containers = [
    ...(Array.isArray(spec.containers) ? spec.containers : []),
    ...(Array.isArray(spec.initContainers) ? spec.initContainers.filter((c) => isRecord(c) && c.restartPolicy === 'Always') : []),
  ];
  const out: PodProbe[] = [];
  for (const c of containers) {
    if (!isRecord(c)) continue;
    const ports = new Map<string, number>();
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      if (isRecord(p) && typeof p.name === 'string' && typeof p.containerPort === 'number') ports.set(p.name, p.containerPort);
    }
    for (const [field, kind] of PROBES) {
      const probe = c[field];
      if (!isRecord(probe)) continue;
      const handler = isRecord(probe.httpGet) ? { type: 'http' as const, port: probe.httpGet.port }
        : isRecord(probe.tcpSocket) ? { type: 'tcp' as const, port: probe.tcpSocket.port }
          : isRecord(probe.grpc) ? { type: 'grpc' as const, port: probe.grpc.port }
            : null;
      if (!handler) continue;
      out.push({ container: str(c.name) ?? '', kind, type: handler.type, ...resolvePort(handler.port, ports) });
    }
  }
  return out;
}

/** When the pod's network came up: its Ready=True transition, else the earliest running container start. */
function runningSince(status: unknown): string | null {
  if (!isRecord(status)) return null;
  const times: string[] = [];
  for (const c of Array.isArray(status.conditions) ? status.conditions : []) {
    if (isRecord(c) && c.type === 'Ready' && c.status === 'True' && str(c.lastTransitionTime)) times.push(c.lastTransitionTime as string);
  }
  for (const cs of Array.isArray(status.containerStatuses) ? status.containerStatuses : []) {
    const running = isRecord(cs) && isRecord(cs.state) && isRecord(cs.state.running) ? cs.state.running : null;
    if (running && str(running.startedAt)) times.push(running.startedAt as string);
  }
  return times.sort()[0] ?? null;
}

export function podSgpFields(p: RawPod, skipped: SkippedObject[]): PodSgpFields {
  const annotation = p.metadata?.annotations?.[POD_ENI_ANNOTATION];
  let branchEnis: PodBranchEni[] | null = null;
  let branchEniProblem: string | null = null;
  if (annotation !== undefined) {
    const parsed = typeof annotation === 'string' ? parsePodEniAnnotation(annotation) : { problem: `${POD_ENI_ANNOTATION} is not a string` };
    if ('enis' in parsed) branchEnis = parsed.enis;
    else {
      branchEniProblem = parsed.problem;
      skipped.push({ kind: 'Pod', name: `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`, reason: `${parsed.problem}; its branch ENI is not judged (SGP_POD_DRIFT, SGP_PUBLIC_SUBNET)` });
    }
  }
  const spec: Record<string, unknown> = isRecord(p.spec) ? p.spec : {};
  return {
    labels: stringMap(p.metadata?.labels),
    serviceAccount: str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default',
    branchEnis,
    branchEniProblem,
    probes: podProbes(spec),
    runningSince: runningSince(p.status),
    podIp: isRecord(p.status) ? str(p.status.podIP) : null,
  };
}

/** Events a check needs to tie to an object; ones without an involved object cannot be and are skipped. */
function eventSkips(events: readonly RawEvent[], skipped: SkippedObject[]): void {
  for (const e of events) {
    const io = e.involvedObject;
    if (isRecord(io) && str(io.kind) && str(io.name)) continue;
    skipped.push({ kind: 'Event', name: `${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`, reason: `${e.reason ?? 'event'} has no involved object` });
  }
}

/** The SGP part of a cluster. Pods' own fields are built per pod (podSgpFields) into the same `skipped` list. */
export function buildSgpPart(raw: RawKubernetesCluster, skipped: SkippedObject[]): KubeSgpPart {
  let policies: SecurityGroupPolicyRecord[] | null = null;
  if (raw.securityGroupPolicies) {
    policies = [];
    for (const o of raw.securityGroupPolicies) {
      const r = securityGroupPolicy(o);
      if (r) policies.push(r);
      else skipped.push({ kind: 'SecurityGroupPolicy', name: `${o.metadata?.namespace ?? ''}/?`, reason: 'no metadata.name' });
    }
    policies.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }
  let serviceAccountLabels: Map<string, Record<string, string>> | null = null;
  if (raw.serviceAccounts) {
    serviceAccountLabels = new Map();
    for (const sa of raw.serviceAccounts) {
      const name = str(sa.metadata?.name);
      if (name) serviceAccountLabels.set(`${str(sa.metadata?.namespace) ?? 'default'}/${name}`, stringMap(sa.metadata?.labels));
    }
  }
  eventSkips(raw.events, skipped);
  return { policies, serviceAccountLabels, skipped };
}
