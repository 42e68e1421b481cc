// aws-sdk-client-mock here, not moto: moto deletes an in-use ENI without complaint (real EC2
// refuses with InvalidParameterValue) and cannot make an ENI change between two calls.
import { beforeEach, describe, expect, test } from '@jest/globals';
import { DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { executeCleanup } from '../../src/act/cleanup/execute.js';
import type { CleanupPlan, PlannedDeletion } from '../../src/act/cleanup/plan.js';
import { eni, rcTags } from '../fixtures/raw.js';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const tags = rcTags('gone');
const planned = (id: string): PlannedDeletion => ({
  id,
  tags,
  finding: { code: 'LEAKED_BRANCH_ENI', severity: 'critical', resource: { type: 'network-interface', id }, cluster: 'gone', region: 'us-east-1', reason: '', details: {} },
});
const plan = (...ids: string[]): CleanupPlan => ({ planned: ids.map(planned), skipped: [] });
const ec2Error = (name: string, message: string) => new EC2ServiceException({ name, message, $fault: 'client', $metadata: {} });
const describeReturns = (...enis: ReturnType<typeof eni>[]) =>
  ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters?: Array<{ Values?: string[] }> }) => {
    const id = input.Filters?.[0]?.Values?.[0];
    return { NetworkInterfaces: enis.filter((e) => e.NetworkInterfaceId === id) };
  });
const deleted = () => ec2Mock.commandCalls(DeleteNetworkInterfaceCommand).map((c) => c.args[0].input.NetworkInterfaceId);

beforeEach(() => {
  ec2Mock.reset();
});

describe('executeCleanup', () => {
  test('dry run makes no API call at all', async () => {
    const out = await executeCleanup(ec2, plan('eni-1'), { dryRun: true });
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(out).toMatchObject({ dryRun: true, planned: ['eni-1'], deleted: [] });
  });

  test('re-describes each ENI right before deleting it', async () => {
    describeReturns(eni({ id: 'eni-1', description: 'aws-k8s-branch-eni', tags }), eni({ id: 'eni-2', description: 'aws-k8s-branch-eni', tags }));
    ec2Mock.on(DeleteNetworkInterfaceCommand).resolves({});
    const out = await executeCleanup(ec2, plan('eni-1', 'eni-2'), { dryRun: false, concurrency: 1 });
    expect(out.deleted).toEqual(['eni-1', 'eni-2']);
    expect(ec2Mock.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'DescribeNetworkInterfacesCommand', 'DeleteNetworkInterfaceCommand', 'DescribeNetworkInterfacesCommand', 'DeleteNetworkInterfaceCommand',
    ]);
  });

  test('skips ENIs that changed since the scan: in use, attached, re-tagged, ignore-tagged', async () => {
    describeReturns(
      eni({ id: 'eni-inuse', description: 'aws-k8s-branch-eni', status: 'in-use', tags }),
      eni({ id: 'eni-attached', description: 'aws-k8s-branch-eni', attachedTo: 'i-1', tags }),
      eni({ id: 'eni-retagged', description: 'aws-k8s-branch-eni', tags: { ...tags, owner: 'me' } }),
      eni({ id: 'eni-ignored', description: 'aws-k8s-branch-eni', tags: { ...tags, 'vpc-cni-auditor/ignore': 'true' } }),
      eni({ id: 'eni-disowned', description: 'aws-k8s-branch-eni', tags: {} }),
    );
    const out = await executeCleanup(ec2, plan('eni-inuse', 'eni-attached', 'eni-retagged', 'eni-ignored', 'eni-disowned'), { dryRun: false });
    expect(deleted()).toEqual([]);
    expect(Object.fromEntries(out.skipped.map((s) => [s.id, s.reason]))).toEqual({
      'eni-inuse': 'changed-since-scan: status is in-use',
      'eni-attached': 'changed-since-scan: ENI is attached',
      'eni-retagged': 'changed-since-scan: tags changed',
      'eni-ignored': 'ignore-tag: vpc-cni-auditor/ignore=true',
      'eni-disowned': 'changed-since-scan: ownership tags no longer prove an EKS owner',
    });
  });

  test('EC2 refusing to delete an in-use ENI is reported, not forced', async () => {
    describeReturns(eni({ id: 'eni-1', description: 'aws-k8s-branch-eni', tags }));
    ec2Mock.on(DeleteNetworkInterfaceCommand).rejects(ec2Error('InvalidParameterValue', 'Network interface eni-1 is currently in use.'));
    const out = await executeCleanup(ec2, plan('eni-1'), { dryRun: false });
    expect(out.deleted).toEqual([]);
    expect(out.skipped).toEqual([{ id: 'eni-1', reason: 'delete-failed: InvalidParameterValue: Network interface eni-1 is currently in use.' }]);
    // No detach, no retry with force: exactly one delete attempt and nothing else mutating.
    expect(ec2Mock.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeNetworkInterfacesCommand', 'DeleteNetworkInterfaceCommand']);
  });

  test('NotFound counts as already deleted, at re-check or at delete', async () => {
    describeReturns(eni({ id: 'eni-race', description: 'aws-k8s-branch-eni', tags }));
    ec2Mock.on(DeleteNetworkInterfaceCommand).rejects(ec2Error('InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-race' does not exist"));
    const out = await executeCleanup(ec2, plan('eni-gone', 'eni-race'), { dryRun: false });
    expect(out).toMatchObject({ deleted: ['eni-gone', 'eni-race'], alreadyDeleted: ['eni-gone', 'eni-race'], skipped: [] });
  });

  test('an ENI that cannot be re-checked is never deleted', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
    const out = await executeCleanup(ec2, plan('eni-1'), { dryRun: false });
    expect(deleted()).toEqual([]);
    expect(out.skipped).toEqual([{ id: 'eni-1', reason: 'recheck-failed: RequestLimitExceeded: Request limit exceeded.' }]);
  });

  test('errors in a row abort the rest of the run', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('UnauthorizedOperation', 'not allowed'));
    const ids = Array.from({ length: 8 }, (_, i) => `eni-${i}`);
    const out = await executeCleanup(ec2, plan(...ids), { dryRun: false, concurrency: 1, maxConsecutiveErrors: 3 });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(3);
    expect(out.skipped.filter((s) => s.reason.startsWith('aborted: 3 errors in a row'))).toHaveLength(5);
  });

  test('no deletion starts after the deadline', async () => {
    const out = await executeCleanup(ec2, plan('eni-1'), { dryRun: false, deadline: 1000, now: () => 1000 });
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(out.skipped[0]?.reason).toMatch(/^deadline/);
  });
});
