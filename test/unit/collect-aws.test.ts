// aws-sdk-client-mock here, not moto: moto ignores MaxResults/NextToken (one page, always), so
// pagination and batching can only be shown against a mock.
import { beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, EKSServiceException, ListClustersCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { collectAws } from '../../src/collect/aws/collect-aws.js';
import { eni, instance, rcTags } from '../fixtures/raw.js';

const ec2Mock = mockClient(EC2Client);
const eksMock = mockClient(EKSClient);
const ec2 = new EC2Client({ region: 'us-east-1' });
const eks = new EKSClient({ region: 'us-east-1' });
const opts = { region: 'us-east-1', clusters: null, now: () => new Date('2026-01-01T00:00:00Z') };

const branch = (i: number) => eni({
  id: `eni-${String(i).padStart(5, '0')}`, description: 'aws-k8s-branch-eni',
  tags: rcTags('c1', { 'node.k8s.amazonaws.com/instance_id': `i-${i}`, 'vpcresources.k8s.aws/trunk-eni-id': 'eni-trunk' }),
});

beforeEach(() => {
  ec2Mock.reset();
  eksMock.reset();
  eksMock.on(ListClustersCommand).resolves({ clusters: ['c1'] });
  eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'c1', resourcesVpcConfig: { vpcId: 'vpc-1' } } });
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});

describe('collectAws', () => {
  test('follows NextToken through every page, with the server-side description filter', async () => {
    const pages = [[branch(1), branch(2)], [branch(3)], [branch(4)]];
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: { NextToken?: string; Filters?: Array<{ Name?: string }> }) => {
      if (input.Filters?.[0]?.Name === 'network-interface-id') return { NetworkInterfaces: [] };
      const n = input.NextToken ? Number(input.NextToken) : 0;
      return { NetworkInterfaces: pages[n], ...(n + 1 < pages.length ? { NextToken: String(n + 1) } : {}) };
    });
    const raw = await collectAws(ec2, eks, opts);
    expect(raw.networkInterfaces.map((e) => e.NetworkInterfaceId)).toEqual(['eni-00001', 'eni-00002', 'eni-00003', 'eni-00004']);
    const listing = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).filter((c) => c.args[0].input.Filters?.[0]?.Name === 'description');
    expect(listing).toHaveLength(3);
    expect(listing[0]?.args[0].input).toMatchObject({
      MaxResults: 1000,
      Filters: [{ Name: 'description', Values: ['aws-k8s-branch-eni', 'aws-k8s-trunk-eni', 'aws-K8S-*'] }],
    });
  });

  test('instances are looked up in batches of 200 by filter, so an unknown id cannot fail the batch', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters?: Array<{ Name?: string }> }) =>
      input.Filters?.[0]?.Name === 'description' ? { NetworkInterfaces: Array.from({ length: 450 }, (_, i) => branch(i)) } : { NetworkInterfaces: [] });
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-7', 'running')] }] });
    const raw = await collectAws(ec2, eks, opts);
    const calls = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Filters?.[0]?.Values?.length)).toEqual([200, 200, 50]);
    expect(calls.every((c) => c.InstanceIds === undefined && c.Filters?.[0]?.Name === 'instance-id')).toBe(true);
    expect(raw.instanceIdsLookedUp).toHaveLength(450);
    // One call for the missing trunk: never one per ENI.
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand).filter((c) => c.args[0].input.Filters?.[0]?.Name === 'network-interface-id')).toHaveLength(1);
    expect(raw.eniIdsLookedUp).toEqual(['eni-trunk']);
    // The cluster is described once for the whole sweep.
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  test('a failed instance lookup becomes a gap, not a proof', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [branch(1)] });
    ec2Mock.on(DescribeInstancesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', message: 'denied', $fault: 'client', $metadata: {} }));
    const raw = await collectAws(ec2, eks, opts);
    expect(raw.instanceIdsLookedUp).toEqual([]);
    expect(raw.gaps).toEqual([{ source: 'ec2:DescribeInstances', affects: 'instances', reason: 'UnauthorizedOperation: denied' }]);
  });

  test('only ResourceNotFoundException proves a cluster deleted', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [eni({ id: 'eni-a', description: 'aws-k8s-branch-eni', tags: rcTags('gone') }), eni({ id: 'eni-b', description: 'aws-k8s-branch-eni', tags: rcTags('flaky') })],
    });
    eksMock.on(ListClustersCommand).resolves({ clusters: [] });
    eksMock.on(DescribeClusterCommand, { name: 'gone' }).rejects(new EKSServiceException({ name: 'ResourceNotFoundException', message: 'No cluster found for name: gone.', $fault: 'client', $metadata: {} }));
    eksMock.on(DescribeClusterCommand, { name: 'flaky' }).rejects(new EKSServiceException({ name: 'AccessDeniedException', message: 'no', $fault: 'client', $metadata: {} }));
    const raw = await collectAws(ec2, eks, opts);
    expect(raw.deletedClusters).toEqual(['gone']);
    expect(raw.gaps.map((g) => g.source)).toEqual(['eks:DescribeCluster flaky']);
  });

  test('a failed ENI listing fails the sweep', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', message: 'denied', $fault: 'client', $metadata: {} }));
    await expect(collectAws(ec2, eks, opts)).rejects.toThrow('denied');
  });
});
