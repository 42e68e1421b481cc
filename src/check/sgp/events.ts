import type { KubeEvent } from '../../model/kubernetes.js';

/**
 * Reading the resource controller's and kubelet's event messages (docs/domain-facts §4).
 *
 * BranchAllocationFailed carries the EC2 error of CreateNetworkInterface. Both SDK shapes name the
 * code and the group:
 * - v2: `… operation error EC2: CreateNetworkInterface, https response error StatusCode: 400,
 *   RequestID: …, api error InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-…' does not exist`
 * - v1: `… InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-…' does not exist\n\tstatus code: 400, request id: …`
 * client-go may prefix `(combined from similar events): ` when it aggregates events whose request
 * ids differ. The match is on the code plus the sentence, wherever they are in the message.
 */
export const INVALID_SG_CODE = 'InvalidSecurityGroupID.NotFound';
const SG_DOES_NOT_EXIST = /The securityGroup ID '(sg-[0-9a-f]+)' does not exist/g;
export const NO_IP_MESSAGE = 'failed to assign an IP address to container';

/** Group ids a BranchAllocationFailed message says do not exist; null when it is another error. */
export function missingGroupIdsOf(message: string): string[] | null {
  if (!message.includes(INVALID_SG_CODE)) return null;
  return [...new Set([...message.matchAll(SG_DOES_NOT_EXIST)].map((m) => m[1]!))].sort();
}

/** A Warning event naming a pod (namespace from the involved object, else the event's own). */
export const podKeyOf = (e: KubeEvent): string | null =>
  e.involvedObject.kind === 'Pod' && e.involvedObject.name ? `${e.involvedObject.namespace ?? e.namespace}/${e.involvedObject.name}` : null;

/** The events of one kind of failure for one object, merged: earliest first sighting, latest last. */
export interface Failure {
  groupIds: string[];
  firstAt: string | null;
  lastAt: string | null;
  count: number;
  /** The newest message. */
  message: string;
}

export function mergeFailure(into: Failure | undefined, e: KubeEvent, groupIds: readonly string[]): Failure {
  const first = [into?.firstAt, e.firstSeen ?? e.lastSeen].filter((t): t is string => !!t).sort()[0] ?? null;
  const newer = !into || (e.lastSeen ?? '') >= (into.lastAt ?? '');
  return {
    groupIds: [...new Set([...(into?.groupIds ?? []), ...groupIds])].sort(),
    firstAt: first,
    lastAt: newer ? e.lastSeen : into.lastAt,
    count: (into?.count ?? 0) + e.count,
    message: newer ? e.message : into.message,
  };
}

/** Seconds from `since` to `now`, never negative; null when `since` is unknown or unreadable. */
export function secondsSince(since: string | null | undefined, now: Date): number | null {
  if (!since) return null;
  const t = new Date(since).getTime();
  return Number.isNaN(t) ? null : Math.max(0, Math.round((now.getTime() - t) / 1000));
}

/** `3h 12m`, `42m`, `15s`: for reasons people read. */
export function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  return m ? `${m}m` : `${seconds}s`;
}
