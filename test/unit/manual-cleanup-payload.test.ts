import { describe, expect, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { handler, ManualCleanupSchema } from '../../functions/cleanup.js';

const ctx = { functionName: 'cleanup', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('manual cleanup payload', () => {
  test('dry run is the default', () => {
    expect(ManualCleanupSchema.parse({})).toEqual({ dryRun: true });
    expect(ManualCleanupSchema.parse({ dryRun: false, clusters: ['prod'], grace: '30m', maxDeletes: 5 })).toEqual({ dryRun: false, clusters: ['prod'], grace: 1800, maxDeletes: 5 });
  });

  test.each([
    [{ dryrun: false }, /dryrun/],
    [{ dryRun: 'false' }, /dryRun/],
    [{ clusters: [] }, /clusters/],
    [{ clusters: ['a b'] }, /not a valid EKS cluster name/],
    [{ grace: 'soon' }, /invalid duration/],
    [{ maxDeletes: 1.5 }, /maxDeletes/],
    [{ breakerMaxShare: 2 }, /breakerMaxShare/],
  ])('%j is rejected before anything runs', async (payload, message) => {
    // No AWS endpoint or credentials exist in this test: reaching the sweep would fail differently.
    await expect(handler(payload as never, ctx)).rejects.toThrow(message);
  });
});
