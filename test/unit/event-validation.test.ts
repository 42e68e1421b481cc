// Every handler validates its event before anything runs. No AWS endpoint exists in this test:
// a handler that got past validation would fail differently (and the moto suite shows nothing is deleted).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { EksDeletionEventSchema, handler as onEksDeletion } from '../../functions/onEksDeletion.js';
import { handler as onInstanceTerminated, InstanceTerminatedSchema } from '../../functions/onInstanceTerminated.js';
import { handler as cleanup, ManualCleanupSchema } from '../../functions/cleanup.js';
import { handler as sweep, ScheduledEventSchema } from '../../functions/sweep.js';
import { MAX_EVENT_BYTES } from '../../functions/lib/event-size.js';

const ctx = { functionName: 'fn', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const sample = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8')) as Record<string, unknown> & { detail: Record<string, unknown> };
const saved = { region: process.env.AWS_REGION, level: process.env.POWERTOOLS_LOG_LEVEL };

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
afterAll(() => {
  if (saved.region === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = saved.region;
  if (saved.level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = saved.level;
});

describe('the samples in events/ are what the schemas accept', () => {
  test.each([
    ['sweep-scheduled.json', ScheduledEventSchema],
    ['eks-delete-cluster.json', EksDeletionEventSchema],
    ['eks-delete-nodegroup.json', EksDeletionEventSchema],
    ['eks-recheck.json', EksDeletionEventSchema],
    ['ec2-instance-terminated.json', InstanceTerminatedSchema],
    ['cleanup-dry-run.json', ManualCleanupSchema],
    ['cleanup-execute.json', ManualCleanupSchema],
  ] as const)('%s parses', (file, schema) => {
    expect(schema.safeParse(sample(file)).success).toBe(true);
  });

  test('the samples in events/invalid/ do not', () => {
    expect(EksDeletionEventSchema.safeParse(sample('invalid/eks-wrong-source.json')).success).toBe(false);
    expect(EksDeletionEventSchema.safeParse(sample('invalid/eks-missing-cluster-name.json')).success).toBe(false);
    expect(InstanceTerminatedSchema.safeParse(sample('invalid/ec2-instance-running.json')).success).toBe(false);
    expect(ManualCleanupSchema.safeParse(sample('invalid/cleanup-misspelled-field.json')).success).toBe(false);
  });
});

describe('onEksDeletion rejects what it must not act on', () => {
  const dc = sample('eks-delete-cluster.json');
  const ng = sample('eks-delete-nodegroup.json');
  const withDetail = (e: typeof dc, detail: Record<string, unknown>) => ({ ...e, detail: { ...e.detail, ...detail } });

  test.each([
    ['wrong source', sample('invalid/eks-wrong-source.json'), /invalid event: source: Invalid discriminator value/],
    ['wrong detail-type', { ...dc, 'detail-type': 'EKS Cluster State Change' }, /invalid event: detail-type/],
    ['a CloudTrail record from another service', withDetail(dc, { eventSource: 'ec2.amazonaws.com' }), /detail.eventSource/],
    ['another EKS call', withDetail(dc, { eventName: 'CreateCluster' }), /detail.eventName/],
    ['no cluster name', sample('invalid/eks-missing-cluster-name.json'), /detail.requestParameters.name/],
    ['a node group deletion without the node group', withDetail(ng, { requestParameters: { name: 'alpha' } }), /detail.requestParameters.nodegroupName/],
    ['a cluster name EKS would never accept', withDetail(dc, { requestParameters: { name: '../beta' } }), /not a valid EKS cluster name/],
    ['no detail', { ...dc, detail: undefined }, /invalid event: detail/],
    ['not an object', 'DeleteCluster beta', /invalid event: \(event\)/],
    ['a re-check with an unknown field', { ...sample('eks-recheck.json'), dryRun: false }, /Unrecognized key/],
    ['a re-check claiming to be the first attempt', { ...sample('eks-recheck.json'), attempt: 1 }, /attempt/],
  ])('%s', async (_name, event, message) => {
    await expect(onEksDeletion(event as never, ctx)).rejects.toThrow(message);
  });

  test('an oversized event is rejected before it is parsed', async () => {
    const padded = withDetail(dc, { padding: 'x'.repeat(MAX_EVENT_BYTES) });
    await expect(onEksDeletion(padded as never, ctx)).rejects.toThrow(/invalid event: \(event\): \d+ bytes is over the 262144-byte limit/);
  });

  test('an event from another region is rejected', async () => {
    await expect(onEksDeletion({ ...dc, region: 'eu-west-1' } as never, ctx)).rejects.toThrow(/invalid event: region: the event is from eu-west-1, this function audits us-east-1/);
  });

  test('a failed DeleteCluster call is ignored: nothing was deleted', async () => {
    await expect(onEksDeletion(withDetail(dc, { errorCode: 'ResourceInUseException' }) as never, ctx))
      .resolves.toEqual({ outcome: 'ignored', reason: 'DeleteCluster failed with ResourceInUseException' });
  });
});

describe('onInstanceTerminated rejects what it must not act on', () => {
  const ev = sample('ec2-instance-terminated.json');
  test.each([
    ['another state', sample('invalid/ec2-instance-running.json'), /detail.state/],
    ['wrong source', { ...ev, source: 'aws.autoscaling' }, /invalid event: source/],
    ['wrong detail-type', { ...ev, 'detail-type': 'EC2 Spot Instance Interruption Warning' }, /detail-type/],
    ['no instance id', { ...ev, detail: { state: 'terminated' } }, /detail.instance-id/],
    ['something that is not an instance id', { ...ev, detail: { 'instance-id': 'i-*', state: 'terminated' } }, /not an EC2 instance id/],
    ['oversized', { ...ev, detail: { ...ev.detail, padding: 'x'.repeat(MAX_EVENT_BYTES) } }, /over the 262144-byte limit/],
    ['another region', { ...ev, region: 'eu-west-1' }, /region: the event is from eu-west-1/],
  ])('%s', async (_name, event, message) => {
    await expect(onInstanceTerminated(event as never, ctx)).rejects.toThrow(message);
  });
});

describe('the sweep and the manual cleanup cap their payloads too', () => {
  test('oversized: rejected before parsing', async () => {
    const scheduled = sample('sweep-scheduled.json');
    await expect(sweep({ ...scheduled, detail: { padding: 'x'.repeat(MAX_EVENT_BYTES) } } as never, ctx)).rejects.toThrow(/over the 262144-byte limit/);
    await expect(cleanup({ clusters: Array.from({ length: 40_000 }, () => 'beta') } as never, ctx)).rejects.toThrow(/over the 262144-byte limit/);
  });
});
