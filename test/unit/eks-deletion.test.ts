// Following an EKS deletion: when to re-check, when to clean, when to stop. EKS/EC2/Scheduler are
// mocked here so every status (DELETING, DELETE_FAILED, throttled lookups) can be shown; the moto
// suite runs the same path end to end.
import { beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, EKSServiceException, ListClustersCommand } from '@aws-sdk/client-eks';
import { CreateScheduleCommand, SchedulerClient, SchedulerServiceException } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { atExpression, scheduleRecheck } from '../../src/act/recheck/schedule-recheck.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import { runEksDeletionFollowUp, type NextAttempt } from '../../src/run/eks-deletion.js';
import { followUpAfter } from '../../src/run/follow-up.js';
import type { CleanupReport } from '../../src/run/report.js';
import { MemoryStateStore } from '../../src/state/store.js';
import { recheckName } from '../../functions/lib/recheck.js';
import { eni, rcTags } from '../fixtures/raw.js';

const ec2Mock = mockClient(EC2Client);
const eksMock = mockClient(EKSClient);
const schedulerMock = mockClient(SchedulerClient);
const clients = { ec2: new EC2Client({ region: 'us-east-1' }), eks: new EKSClient({ region: 'us-east-1' }) };
const t0 = new Date('2026-11-20T12:00:00Z');
const cfg = defaultConfig();

const notFound = () => new EKSServiceException({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: {}, message: 'No cluster found' });

function request(over: Partial<Parameters<typeof runEksDeletionFollowUp>[0]> = {}) {
  const scheduled: NextAttempt[] = [];
  return {
    scheduled,
    req: {
      target: { cluster: 'beta' }, attempt: 1, maxAttempts: 30, intervalSeconds: 120, region: 'us-east-1', clients,
      store: new MemoryStateStore(), config: cfg, dryRun: false, now: () => t0,
      scheduleNext: async (n: NextAttempt) => { scheduled.push(n); return 'created' as const; },
      ...over,
    },
  };
}

beforeEach(() => {
  ec2Mock.reset();
  eksMock.reset();
  schedulerMock.reset();
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  eksMock.on(ListClustersCommand).resolves({ clusters: [] });
});

describe('following an EKS deletion', () => {
  test('still DELETING: nothing is collected or deleted, the next check is one interval away', async () => {
    eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'beta', status: 'DELETING' } });
    const { req, scheduled } = request();
    const r = await runEksDeletionFollowUp(req);
    expect(r).toMatchObject({ outcome: 'waiting', cleanup: null, deletion: { state: 'present', status: 'DELETING' } });
    expect(scheduled).toEqual([{ at: new Date(t0.getTime() + 120_000), attempt: 2, reason: 'EKS cluster beta is still DELETING' }]);
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
  });

  test('a failed lookup is never "gone": it waits and checks again', async () => {
    eksMock.on(DescribeClusterCommand).rejects(new EKSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }));
    const { req, scheduled } = request();
    const r = await runEksDeletionFollowUp(req);
    expect(r.outcome).toBe('waiting');
    expect(r.deletion).toEqual({ state: 'unknown', reason: 'ThrottlingException: Rate exceeded' });
    expect(scheduled[0]?.reason).toMatch(/^lookup failed: ThrottlingException/);
  });

  test('a cluster that is not being deleted (ACTIVE, FAILED) ends the chain without cleaning', async () => {
    eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'beta', status: 'ACTIVE' } });
    const { req, scheduled } = request();
    expect(await runEksDeletionFollowUp(req)).toMatchObject({ outcome: 'not-deleting', next: null, cleanup: null });
    expect(scheduled).toEqual([]);
  });

  test('a node group is checked with DescribeNodegroup; DELETE_FAILED ends the chain', async () => {
    eksMock.on(DescribeNodegroupCommand).resolves({ nodegroup: { nodegroupName: 'ng', status: 'DELETE_FAILED' } });
    const { req } = request({ target: { cluster: 'alpha', nodegroup: 'ng' } });
    expect((await runEksDeletionFollowUp(req)).outcome).toBe('not-deleting');
    expect(eksMock.commandCalls(DescribeNodegroupCommand)[0]?.args[0].input).toEqual({ clusterName: 'alpha', nodegroupName: 'ng' });
  });

  test('gone: the cluster-scoped cleanup runs, and its orphans get a follow-up once their grace has passed', async () => {
    eksMock.on(DescribeClusterCommand).rejects(notFound());
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [
      eni({ id: 'eni-b1', description: 'aws-k8s-branch-eni', tags: rcTags('beta') }),
      eni({ id: 'eni-other', description: 'aws-k8s-branch-eni', tags: rcTags('gamma') }),
    ] });
    const { req, scheduled } = request();
    const r = await runEksDeletionFollowUp(req);
    expect(r.outcome).toBe('cleanup-pending');
    expect(r.cleanup?.scope).toEqual({ clusters: ['beta'] });
    expect(r.cleanup?.skipped).toEqual([{ id: 'eni-b1', reason: 'within-grace: seen orphaned for 0s of 5m' }]);
    // 5 minutes of deleted-cluster grace, plus a margin.
    expect(scheduled).toEqual([{ at: new Date(t0.getTime() + 330_000), attempt: 2, reason: 'within-grace: orphans still inside their grace period' }]);
  });

  test('gone and nothing left to wait for: done, no more schedules', async () => {
    eksMock.on(DescribeClusterCommand).rejects(notFound());
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    const { req, scheduled } = request({ attempt: 4 });
    expect(await runEksDeletionFollowUp(req)).toMatchObject({ outcome: 'done', next: null, attempt: 4 });
    expect(scheduled).toEqual([]);
  });

  test('the attempt counter bounds the chain', async () => {
    eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'beta', status: 'DELETING' } });
    const { req, scheduled } = request({ attempt: 30, maxAttempts: 30 });
    expect(await runEksDeletionFollowUp(req)).toMatchObject({ outcome: 'gave-up', next: null });
    expect(scheduled).toEqual([]);
  });
});

describe('follow-up timing', () => {
  const report = (skipped: CleanupReport['skipped'], findings: Array<{ id: string; age: number; clusterDeleted: boolean }> = [], gaps: CleanupReport['gaps'] = []) => ({
    skipped, gaps,
    findings: findings.map((f) => ({
      code: 'LEAKED_BRANCH_ENI', severity: 'critical' as const, resource: { type: 'network-interface' as const, id: f.id }, cluster: 'beta', region: 'us-east-1', reason: '',
      details: { orphanedForSeconds: f.age, proofs: [{ proof: f.clusterDeleted ? 'CLUSTER_DELETED' : 'INSTANCE_GONE', evidence: '' }] },
    })),
  }) as unknown as CleanupReport;

  test('waits for the longest remaining grace, with its own grace per proof', () => {
    const r = report(
      [{ id: 'a', reason: 'within-grace: x' }, { id: 'b', reason: 'within-grace: y' }],
      [{ id: 'a', age: 60, clusterDeleted: true }, { id: 'b', age: 120, clusterDeleted: false }],
    );
    expect(followUpAfter(r, cfg.cleanup, 120)).toEqual({ afterSeconds: 15 * 60 - 120 + 30, reason: 'within-grace: orphans still inside their grace period' });
  });

  test('deadline, cap and gaps retry after one interval; opt-outs and the breaker never do', () => {
    expect(followUpAfter(report([{ id: 'a', reason: 'deadline: out of time' }]), cfg.cleanup, 120)?.afterSeconds).toBe(120);
    expect(followUpAfter(report([{ id: 'a', reason: 'cap-reached: at most 50' }]), cfg.cleanup, 120)?.afterSeconds).toBe(120);
    expect(followUpAfter(report([], [], [{ source: 'ec2:DescribeInstances', affects: 'instances', reason: 'x' }]), cfg.cleanup, 120)?.reason).toBe('gaps: ec2:DescribeInstances');
    expect(followUpAfter(report([{ id: 'a', reason: 'ignore-tag: x' }, { id: 'b', reason: 'circuit-breaker: x' }, { id: 'c', reason: 'not-owned: x' }]), cfg.cleanup, 120)).toBeNull();
  });
});

describe('re-check schedules', () => {
  const target = { group: 'vca-dev-rechecks', roleArn: 'arn:aws:iam::123456789012:role/scheduler', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' };
  const scheduler = new SchedulerClient({ region: 'us-east-1' });

  test('a one-time schedule in the group, invoking the function once with the payload, deleted after', async () => {
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const at = new Date('2026-11-20T12:02:00.123Z');
    expect(await scheduleRecheck(scheduler, target, { name: 'n-2', at, payload: { attempt: 2 }, description: 'd' })).toBe('created');
    expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'n-2', GroupName: 'vca-dev-rechecks', ScheduleExpression: 'at(2026-11-20T12:02:00)', ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE',
      Target: { Arn: target.functionArn, RoleArn: target.roleArn, Input: '{"attempt":2}' },
    });
    expect(atExpression(at)).toBe('at(2026-11-20T12:02:00)');
  });

  test('a schedule of the same name already exists (duplicate event delivery): not an error', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(new SchedulerServiceException({ name: 'ConflictException', $fault: 'client', $metadata: {}, message: 'exists' }));
    expect(await scheduleRecheck(scheduler, target, { name: 'n-2', at: t0, payload: {}, description: 'd' })).toBe('exists');
  });

  test('a schedule without a function to invoke is refused, never created', async () => {
    await expect(scheduleRecheck(scheduler, { ...target, functionArn: '' }, { name: 'n-2', at: t0, payload: {}, description: 'd' })).rejects.toThrow(/needs a group, a role and a function ARN/);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  test('names are valid schedule names, stable per origin and attempt', () => {
    const a = recheckName('3f1b7c2e-8a7d-4c36-9d4e-2f6a1b0c9e11', { cluster: 'beta' }, 2);
    expect(a).toMatch(/^[0-9a-zA-Z._-]{1,64}$/);
    expect(recheckName('3f1b7c2e-8a7d-4c36-9d4e-2f6a1b0c9e11', { cluster: 'beta' }, 2)).toBe(a);
    expect(recheckName('3f1b7c2e-8a7d-4c36-9d4e-2f6a1b0c9e11', { cluster: 'beta', nodegroup: 'ng' }, 2)).not.toBe(a);
    expect(recheckName('3f1b7c2e-8a7d-4c36-9d4e-2f6a1b0c9e11', { cluster: 'beta' }, 3)).not.toBe(a);
  });
});
