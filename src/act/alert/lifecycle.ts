import type { Silence } from '../../config/alerts-config.js';
import { fingerprintOf, type Finding, type ResourceRef } from '../../model/finding.js';
import { SEVERITIES, atLeast, severityRank, type Severity } from '../../model/severity.js';
import type { StateItem } from '../../state/store.js';
import { findSilence, silencesTargetOf } from './silences.js';
import type { Notification, ResolvedBecause } from './types.js';

/** One channel's memory of one finding: what it last told people, and when. */
export interface AlertState {
  code: string;
  severity: Severity;
  cluster: string | null;
  region: string;
  resource: ResourceRef;
  reason: string;
  firstNotifiedAt: string;
  lastNotifiedAt: string;
  /** Muted by a silence when last seen: it then disappears without a "resolved". */
  silenced?: boolean;
}

/** What this sweep could judge. A finding outside it is neither resolved nor forgotten. */
export interface Coverage {
  /** False when the sweep had collection gaps: absence of a finding proves nothing. */
  complete: boolean;
  /** The clusters the sweep was limited to; null for every cluster. */
  clusters: string[] | null;
  /** Clusters whose Kubernetes API could not be read: their findings neither resolve nor vanish. */
  unreadClusters?: readonly string[];
}

/**
 * What a sweep's gaps leave it able to judge. A `kubernetes:<cluster>` gap only blinds the sweep to
 * that cluster; any other gap (instances, trunks, clusters, subnets…) blinds it everywhere.
 */
export function coverageOf(gaps: ReadonlyArray<{ source: string; affects: string }>, clusters: string[] | null): Coverage {
  const unreadClusters: string[] = [];
  let complete = true;
  for (const g of gaps) {
    const m = g.affects === 'kubernetes' ? /^kubernetes:(.+)$/.exec(g.source) : null;
    if (m?.[1]) unreadClusters.push(m[1]);
    else complete = false;
  }
  return { complete, clusters, unreadClusters };
}

export interface ChannelPolicy {
  minSeverity: Severity;
  sendsRepeats: boolean;
  repeatIntervalSeconds: number;
}

export interface LifecycleInput {
  /** This channel's stored state (one region). */
  previous: readonly StateItem[];
  findings: readonly Finding[];
  tagsOf?: (f: Finding) => Readonly<Record<string, string>> | undefined;
  silences: readonly Silence[];
  /** Resource ids cleanup deleted in this run: their findings resolve now. */
  deleted: ReadonlySet<string>;
  coverage: Coverage;
  policy: ChannelPolicy;
  now: Date;
}

/** A notification and the state to store once (and only if) it is delivered; null deletes. */
export interface Transition {
  notification: Notification;
  next: StateItem | null;
}

export interface LifecycleResult {
  transitions: Transition[];
  /** State upkeep that needs no notification (severity fell, silence flag, TTL refresh). */
  quiet: { upserts: StateItem[]; deletes: string[] };
  /** Findings muted by an active silence in this channel. */
  silenced: number;
}

/** State is rewritten before DynamoDB's TTL could drop a finding that is still firing. */
const TTL_SECONDS = 14 * 86_400;
const REFRESH_BELOW_SECONDS = 7 * 86_400;

const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);

function decode(item: StateItem | undefined): AlertState | undefined {
  const d = item?.data;
  if (!d || typeof d.code !== 'string' || !isSeverity(d.severity) || typeof d.firstNotifiedAt !== 'string' || typeof d.lastNotifiedAt !== 'string') return undefined;
  if (Number.isNaN(Date.parse(d.lastNotifiedAt)) || typeof d.resource !== 'object' || d.resource === null) return undefined;
  return d as unknown as AlertState;
}

const item = (fingerprint: string, s: AlertState, now: Date): StateItem => {
  const data: Record<string, unknown> = { ...s };
  if (!s.silenced) delete data.silenced;
  return { id: fingerprint, data, expiresAt: Math.floor(now.getTime() / 1000) + TTL_SECONDS };
};

const fresh = (f: Finding, now: string): AlertState =>
  ({ code: f.code, severity: f.severity, cluster: f.cluster, region: f.region, resource: f.resource, reason: f.reason, firstNotifiedAt: now, lastNotifiedAt: now });

const firing = (kind: 'new' | 'escalated' | 'repeated', fp: string, f: Finding, firstNotifiedAt: string, previousSeverity?: Severity): Notification => ({
  kind, fingerprint: fp, code: f.code, severity: f.severity, cluster: f.cluster, region: f.region, resource: f.resource, reason: f.reason,
  details: f.details, firstNotifiedAt, ...(previousSeverity ? { previousSeverity } : {}),
});

const resolved = (fp: string, s: AlertState, because: ResolvedBecause): Notification => ({
  kind: 'resolved', fingerprint: fp, code: s.code, severity: s.severity, cluster: s.cluster, region: s.region, resource: s.resource,
  reason: s.reason, firstNotifiedAt: s.firstNotifiedAt, resolvedBecause: because,
});

export function canResolve(s: Pick<AlertState, 'cluster'>, c: Coverage): boolean {
  if (!c.complete) return false;
  if (s.cluster !== null && c.unreadClusters?.includes(s.cluster)) return false;
  // A cluster-scoped sweep never looked at other clusters, nor at findings without a cluster.
  return c.clusters === null || (s.cluster !== null && c.clusters.includes(s.cluster));
}

/**
 * Pure: one channel's previous state + this sweep's findings + silences + now → the notifications
 * to send, each with the state to store once it is delivered, and the upkeep that needs none.
 */
export function computeLifecycle(input: LifecycleInput): LifecycleResult {
  const { policy, now, coverage } = input;
  const nowIso = now.toISOString();
  const nowSec = now.getTime() / 1000;
  const previous = new Map(input.previous.map((i) => [i.id, i]));
  const transitions: Transition[] = [];
  const upserts: StateItem[] = [];
  const deletes: string[] = [];
  const seen = new Set<string>();
  let silenced = 0;

  for (const f of input.findings) {
    const fp = fingerprintOf(f);
    if (seen.has(fp)) continue;
    seen.add(fp);
    const storedItem = previous.get(fp);
    const prior = decode(storedItem);

    if (f.resource.type === 'network-interface' && input.deleted.has(f.resource.id)) {
      if (prior && !prior.silenced) transitions.push({ notification: resolved(fp, prior, 'deleted'), next: null });
      else if (storedItem) deletes.push(fp);
      continue;
    }
    if (findSilence(input.silences, silencesTargetOf(f, input.tagsOf?.(f)), now)) {
      silenced++;
      if (prior && !prior.silenced) upserts.push(item(fp, { ...prior, silenced: true }, now));
      continue;
    }
    if (!atLeast(f.severity, policy.minSeverity)) {
      // Below this channel's minimum it is not firing here: a notified one resolves, once.
      if (prior && !prior.silenced) transitions.push({ notification: resolved(fp, prior, 'below-min-severity'), next: null });
      else if (storedItem) deletes.push(fp);
      continue;
    }
    if (!prior) {
      transitions.push({ notification: firing('new', fp, f, nowIso), next: item(fp, fresh(f, nowIso), now) });
      continue;
    }
    const updated: AlertState = { ...prior, severity: f.severity, reason: f.reason, silenced: false };
    if (severityRank(f.severity) > severityRank(prior.severity)) {
      transitions.push({ notification: firing('escalated', fp, f, prior.firstNotifiedAt, prior.severity), next: item(fp, { ...updated, lastNotifiedAt: nowIso }, now) });
    } else if (policy.sendsRepeats && nowSec - Date.parse(prior.lastNotifiedAt) / 1000 >= policy.repeatIntervalSeconds) {
      transitions.push({ notification: firing('repeated', fp, f, prior.firstNotifiedAt), next: item(fp, { ...updated, lastNotifiedAt: nowIso }, now) });
    } else if (f.severity !== prior.severity || prior.silenced || (storedItem?.expiresAt ?? 0) - nowSec < REFRESH_BELOW_SECONDS) {
      // Remember a lower severity, so a later rise is an escalation again.
      upserts.push(item(fp, updated, now));
    }
  }

  for (const [fp, stored] of previous) {
    if (seen.has(fp)) continue;
    const prior = decode(stored);
    if (!prior) {
      deletes.push(fp);
      continue;
    }
    if (!canResolve(prior, coverage)) continue;
    // Muted when last seen, or by a silence now: it goes quietly.
    if (prior.silenced || findSilence(input.silences, prior, now)) deletes.push(fp);
    else transitions.push({ notification: resolved(fp, prior, 'gone'), next: null });
  }
  return { transitions, quiet: { upserts, deletes }, silenced };
}

export const alertPartition = (region: string, channel: string): string => `alerts#${region}#${channel}`;
