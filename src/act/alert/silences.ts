import { SilenceSchema, type Silence } from '../../config/alerts-config.js';
import type { Finding } from '../../model/finding.js';
import type { StateItem, StateStore } from '../../state/store.js';
import type { AuditLogger } from '../../util/logger.js';

/** Silences are global to a state store (a DynamoDB table is regional anyway): one partition. */
export const SILENCES_PARTITION = 'silences';

export interface SilenceTarget {
  code: string;
  cluster: string | null;
  region: string;
  resource: { id: string };
  /** The resource's tags when known; a tag matcher never matches without them. */
  tags?: Readonly<Record<string, string>>;
}

export const isActive = (s: Silence, now: Date): boolean => Date.parse(s.expiresAt) > now.getTime();

function tagMatches(matcher: string, tags: Readonly<Record<string, string>> | undefined): boolean {
  if (!tags) return false;
  const eq = matcher.indexOf('=');
  if (eq < 0) return Object.hasOwn(tags, matcher);
  const key = matcher.slice(0, eq);
  return Object.hasOwn(tags, key) && tags[key] === matcher.slice(eq + 1);
}

/** Every matcher a silence sets must hold (AND). Expiry is checked separately (isActive). */
export function silenceMatches(s: Silence, t: SilenceTarget): boolean {
  if (s.code !== undefined && s.code !== t.code) return false;
  if (s.cluster !== undefined && s.cluster !== t.cluster) return false;
  if (s.resource !== undefined && s.resource !== t.resource.id) return false;
  if (s.region !== undefined && s.region !== t.region) return false;
  if (s.tag !== undefined && !tagMatches(s.tag, t.tags)) return false;
  return true;
}

/** The first active silence that matches, if any. */
export function findSilence(silences: readonly Silence[], t: SilenceTarget, now: Date): Silence | undefined {
  return silences.find((s) => isActive(s, now) && silenceMatches(s, t));
}

export const silencesTargetOf = (f: Finding, tags?: Readonly<Record<string, string>>): SilenceTarget =>
  ({ code: f.code, cluster: f.cluster, region: f.region, resource: f.resource, ...(tags ? { tags } : {}) });

/** Reads stored silences; an invalid item is skipped with a warning rather than failing the sweep. */
export async function loadSilences(store: StateStore, logger?: AuditLogger): Promise<Silence[]> {
  const out: Silence[] = [];
  for (const item of await store.list(SILENCES_PARTITION)) {
    const parsed = SilenceSchema.safeParse({ ...item.data, id: item.id });
    if (parsed.success) out.push(parsed.data);
    else logger?.warn('ignoring an invalid stored silence', { id: item.id, issue: parsed.error.issues[0]?.message });
  }
  return out.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.id.localeCompare(b.id));
}

/** Stored silences expire from DynamoDB (TTL) a day after they stop applying. */
export function silenceItem(s: Silence): StateItem {
  const { id, ...data } = s;
  return { id, data, expiresAt: Math.floor(Date.parse(s.expiresAt) / 1000) + 86_400 };
}

export async function saveSilence(store: StateStore, s: Silence): Promise<void> {
  await store.putMany(SILENCES_PARTITION, [silenceItem(SilenceSchema.parse(s))]);
}

export async function removeSilences(store: StateStore, ids: readonly string[]): Promise<void> {
  await store.deleteMany(SILENCES_PARTITION, ids);
}
