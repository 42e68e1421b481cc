import { describe, expect, test } from '@jest/globals';
import type { Silence } from '../../src/config/alerts-config.js';
import { computeLifecycle, type ChannelPolicy, type Coverage, type LifecycleInput } from '../../src/act/alert/lifecycle.js';
import { fingerprintOf, type Finding } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';
import type { StateItem } from '../../src/state/store.js';

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const finding = (id: string, severity: Severity = 'warning', over: Partial<Finding> = {}): Finding => ({
  code: 'LEAKED_BRANCH_ENI', severity, resource: { type: 'network-interface', id }, cluster: 'alpha', region: 'us-east-1',
  reason: `Branch ENI ${id} is orphaned`, details: {}, ...over,
});

const policy: ChannelPolicy = { minSeverity: 'warning', sendsRepeats: true, repeatIntervalSeconds: 4 * 3600 };
const full: Coverage = { complete: true, clusters: null };

/** Runs one sweep the way runNotify does when every notification is delivered. */
function sweep(state: Map<string, StateItem>, findings: Finding[], now: Date, over: Partial<LifecycleInput> = {}) {
  const r = computeLifecycle({ previous: [...state.values()], findings, silences: [], deleted: new Set(), coverage: full, policy, now, ...over });
  for (const u of r.quiet.upserts) state.set(u.id, u);
  for (const d of r.quiet.deletes) state.delete(d);
  for (const t of r.transitions) {
    if (t.next) state.set(t.next.id, t.next);
    else state.delete(t.notification.fingerprint);
  }
  return { ...r, kinds: r.transitions.map((t) => `${t.notification.kind}:${t.notification.resource.id}`).sort() };
}

describe('alert lifecycle (pure)', () => {
  test('new, then quiet, then repeated after the interval, then resolved once', () => {
    const state = new Map<string, StateItem>();
    expect(sweep(state, [finding('eni-1'), finding('eni-2')], T0).kinds).toEqual(['new:eni-1', 'new:eni-2']);
    expect(sweep(state, [finding('eni-1'), finding('eni-2')], at(15)).kinds).toEqual([]);
    expect(sweep(state, [finding('eni-1'), finding('eni-2')], at(239)).kinds).toEqual([]);
    expect(sweep(state, [finding('eni-1'), finding('eni-2')], at(240)).kinds).toEqual(['repeated:eni-1', 'repeated:eni-2']);
    const r = sweep(state, [finding('eni-1')], at(255));
    expect(r.kinds).toEqual(['resolved:eni-2']);
    expect(r.transitions[0]!.notification).toMatchObject({ resolvedBecause: 'gone', severity: 'warning', reason: 'Branch ENI eni-2 is orphaned', firstNotifiedAt: T0.toISOString() });
    expect(sweep(state, [finding('eni-1')], at(270)).kinds).toEqual([]);
    expect([...state.keys()]).toEqual([fingerprintOf(finding('eni-1'))]);
  });

  test('a rise in severity notifies at once; a fall is remembered quietly, so the next rise notifies again', () => {
    const state = new Map<string, StateItem>();
    sweep(state, [finding('eni-1', 'warning')], T0);
    const up = sweep(state, [finding('eni-1', 'critical')], at(15));
    expect(up.kinds).toEqual(['escalated:eni-1']);
    expect(up.transitions[0]!.notification).toMatchObject({ previousSeverity: 'warning', severity: 'critical', firstNotifiedAt: T0.toISOString() });
    const down = sweep(state, [finding('eni-1', 'warning')], at(30));
    expect(down.kinds).toEqual([]);
    expect(down.quiet.upserts).toHaveLength(1);
    expect(sweep(state, [finding('eni-1', 'critical')], at(45)).kinds).toEqual(['escalated:eni-1']);
  });

  test('below the channel minimum a finding is not sent; one that falls below it resolves once', () => {
    const state = new Map<string, StateItem>();
    expect(sweep(state, [finding('eni-1', 'info')], T0).kinds).toEqual([]);
    expect(state.size).toBe(0);
    sweep(state, [finding('eni-2', 'warning')], T0);
    const r = sweep(state, [finding('eni-2', 'info')], at(15));
    expect(r.kinds).toEqual(['resolved:eni-2']);
    expect(r.transitions[0]!.notification.resolvedBecause).toBe('below-min-severity');
  });

  test('a sweep with collection gaps resolves nothing and forgets nothing', () => {
    const state = new Map<string, StateItem>();
    sweep(state, [finding('eni-1'), finding('eni-2')], T0);
    const r = sweep(state, [finding('eni-1')], at(15), { coverage: { complete: false, clusters: null } });
    expect(r.kinds).toEqual([]);
    expect(r.quiet.deletes).toEqual([]);
    expect(state.size).toBe(2);
    expect(sweep(state, [finding('eni-1')], at(30)).kinds).toEqual(['resolved:eni-2']);
  });

  test('a cluster-scoped sweep resolves only findings of its clusters, never cluster-less ones', () => {
    const state = new Map<string, StateItem>();
    const lookalike = finding('eni-9', 'warning', { code: 'ENI_LOOKALIKE', cluster: null });
    sweep(state, [finding('eni-1'), finding('eni-2', 'warning', { cluster: 'beta' }), lookalike], T0);
    const r = sweep(state, [], at(15), { coverage: { complete: true, clusters: ['alpha'] } });
    expect(r.kinds).toEqual(['resolved:eni-1']);
    expect(state.size).toBe(2);
  });

  test('cleanup deletions resolve in the same run, whatever the coverage', () => {
    const state = new Map<string, StateItem>();
    sweep(state, [finding('eni-1'), finding('eni-2')], T0);
    const r = sweep(state, [finding('eni-1'), finding('eni-2')], at(15), { deleted: new Set(['eni-1']), coverage: { complete: false, clusters: ['zzz'] } });
    expect(r.kinds).toEqual(['resolved:eni-1']);
    expect(r.transitions[0]!.notification.resolvedBecause).toBe('deleted');
  });

  test('a silenced finding produces nothing; it is new once the silence expires if never sent, and goes quietly if it disappears', () => {
    const silences: Silence[] = [{ id: 's1', resource: 'eni-1', expiresAt: at(60).toISOString() }];
    const state = new Map<string, StateItem>();
    const r1 = sweep(state, [finding('eni-1')], T0, { silences });
    expect(r1.kinds).toEqual([]);
    expect(r1.silenced).toBe(1);
    expect(state.size).toBe(0);
    expect(sweep(state, [finding('eni-1')], at(61), { silences }).kinds).toEqual(['new:eni-1']);

    // Notified, then silenced: no repeat while silenced, no "resolved" when it goes.
    const s2: Silence[] = [{ id: 's2', code: 'LEAKED_BRANCH_ENI', cluster: 'alpha', expiresAt: at(10_000).toISOString() }];
    expect(sweep(state, [finding('eni-1')], at(120), { silences: s2 }).kinds).toEqual([]);
    expect(state.get(fingerprintOf(finding('eni-1')))!.data.silenced).toBe(true);
    expect(sweep(state, [finding('eni-1')], at(600), { silences: s2 }).kinds).toEqual([]);
    const gone = sweep(state, [], at(615), { silences: [] });
    expect(gone.kinds).toEqual([]);
    expect(state.size).toBe(0);
  });

  test('tag silences match the resource tags when known', () => {
    const silences: Silence[] = [{ id: 't', tag: 'team=payments', expiresAt: at(60).toISOString() }, { id: 'k', tag: 'keep', expiresAt: at(60).toISOString() }];
    const tags: Record<string, Record<string, string>> = { 'eni-1': { team: 'payments' }, 'eni-2': { team: 'search' }, 'eni-3': { keep: '' } };
    const r = sweep(new Map(), [finding('eni-1'), finding('eni-2'), finding('eni-3'), finding('eni-4')], T0, { silences, tagsOf: (f) => tags[f.resource.id] });
    expect(r.kinds).toEqual(['new:eni-2', 'new:eni-4']);
    expect(r.silenced).toBe(2);
  });

  test('a channel without repeats (EventBridge) sends changes only', () => {
    const state = new Map<string, StateItem>();
    const p = { ...policy, sendsRepeats: false };
    sweep(state, [finding('eni-1')], T0, { policy: p });
    expect(sweep(state, [finding('eni-1')], at(24 * 60), { policy: p }).kinds).toEqual([]);
    expect(sweep(state, [], at(25 * 60), { policy: p }).kinds).toEqual(['resolved:eni-1']);
  });

  test('state is refreshed before its TTL could drop a finding that is still firing', () => {
    const state = new Map<string, StateItem>();
    const p = { ...policy, sendsRepeats: false };
    sweep(state, [finding('eni-1')], T0, { policy: p });
    const ttl0 = state.values().next().value!.expiresAt!;
    expect(sweep(state, [finding('eni-1')], at(6 * 24 * 60), { policy: p }).quiet.upserts).toHaveLength(0);
    expect(sweep(state, [finding('eni-1')], at(8 * 24 * 60), { policy: p }).quiet.upserts).toHaveLength(1);
    expect(state.values().next().value!.expiresAt!).toBeGreaterThan(ttl0);
  });

  test('fingerprints are stable across sweeps: details and reasons may change', () => {
    const state = new Map<string, StateItem>();
    sweep(state, [finding('eni-1', 'warning', { details: { orphanedForSeconds: 0 } })], T0);
    expect(sweep(state, [finding('eni-1', 'warning', { details: { orphanedForSeconds: 900 }, reason: 'changed' })], at(15)).kinds).toEqual([]);
  });

  test('an unreadable state item is replaced, never fatal', () => {
    const fp = fingerprintOf(finding('eni-1'));
    const r = sweep(new Map([[fp, { id: fp, data: { nonsense: true } }], ['junk', { id: 'junk', data: {} }]]), [finding('eni-1')], T0);
    expect(r.kinds).toEqual(['new:eni-1']);
    expect(r.quiet.deletes).toEqual(['junk']);
  });
});

describe('coverage from gaps', () => {
  test('a Kubernetes gap blinds the sweep to that cluster only; any other gap to everything', async () => {
    const { coverageOf, canResolve } = await import('../../src/act/alert/lifecycle.js');
    const kube = coverageOf([{ source: 'kubernetes:alpha', affects: 'kubernetes' }], null);
    expect(canResolve({ cluster: 'alpha' }, kube)).toBe(false);
    expect(canResolve({ cluster: 'beta' }, kube)).toBe(true);
    expect(canResolve({ cluster: null }, kube)).toBe(true);
    const ec2 = coverageOf([{ source: 'ec2:DescribeInstances', affects: 'instances' }], null);
    expect(canResolve({ cluster: 'beta' }, ec2)).toBe(false);
    expect(canResolve({ cluster: null }, coverageOf([], null))).toBe(true);
  });
});
