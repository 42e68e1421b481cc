// The instance-terminated handler's narrow collection path: one instance's ENIs, server-side filtered,
// and a scope that never forgets sightings of ENIs it did not look at.
import { beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { collectAws } from '../../src/collect/aws/collect-aws.js';
import { computeSightings } from '../../src/state/sightings.js';
import { defaultConfig } from '../../src/config/audit-config.js';
import { cniTags, eni, instance, rawData, rcTags } from '../fixtures/raw.js';

const ec2Mock = mockClient(EC2Client);
const eksMock = mockClient(EKSClient);
const ec2 = new EC2Client({ region: 'us-east-1' });
const eks = new EKSClient({ region: 'us-east-1' });

const branchOf = (id: string, instanceId: string, trunk: string) =>
  eni({ id, description: 'aws-k8s-branch-eni', tags: rcTags('c1', { 'node.k8s.amazonaws.com/instance_id': instanceId, 'vpcresources.k8s.aws/trunk-eni-id': trunk }) });

beforeEach(() => {
  ec2Mock.reset();
  eksMock.reset();
  eksMock.on(ListClustersCommand).resolves({ clusters: ['c1'] });
  eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: 'c1' } });
});

describe('instance-scoped collection', () => {
  test('lists only the ENIs tagged with the instance, with both filters server-side', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters?: Array<{ Name?: string }> }) =>
      input.Filters?.[0]?.Name === 'network-interface-id' ? { NetworkInterfaces: [] } : { NetworkInterfaces: [branchOf('eni-1', 'i-0abc', 'eni-t1')] });
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-0abc', 'terminated', { 'eks:cluster-name': 'c1' })] }] });
    const raw = await collectAws(ec2, eks, { region: 'us-east-1', clusters: null, instanceId: 'i-0abc' });
    const listing = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input;
    expect(listing?.Filters).toEqual([
      { Name: 'tag:node.k8s.amazonaws.com/instance_id', Values: ['i-0abc'] },
      { Name: 'description', Values: ['aws-k8s-branch-eni', 'aws-k8s-trunk-eni', 'aws-K8S-*'] },
    ]);
    expect(raw.scope).toEqual({ clusters: null, instanceId: 'i-0abc' });
    expect(buildInventory(raw).scope).toEqual({ clusters: null, instanceId: 'i-0abc' });
  });

  test('the inventory keeps only that instance\'s ENIs, even a trunk looked up by id for another node', () => {
    const inv = buildInventory(rawData({
      scope: { clusters: null, instanceId: 'i-1' },
      networkInterfaces: [
        branchOf('eni-b1', 'i-1', 'eni-t2'),
        eni({ id: 'eni-c1', description: 'aws-K8S-i-1', tags: cniTags('i-1') }),
        eni({ id: 'eni-t2', description: 'aws-k8s-trunk-eni', status: 'in-use', tags: rcTags('c1', { 'node.k8s.amazonaws.com/instance_id': 'i-2' }), attachedTo: 'i-2' }),
      ],
      eniIdsLookedUp: ['eni-t2'],
    }));
    expect(inv.networkInterfaces.map((e) => e.id)).toEqual(['eni-b1', 'eni-c1']);
    // The trunk still exists, so no TRUNK_GONE proof is invented for the branch.
    expect(inv.eniIdsNotFound.has('eni-t2')).toBe(false);
  });

  test('an instance-scoped run never forgets sightings of ENIs it did not look at', () => {
    const t0 = '2026-01-01T12:00:00.000Z';
    const existing = [{ id: 'eni-elsewhere', data: { firstSeen: t0, lastSeen: t0 } }];
    const scoped = buildInventory(rawData({ scope: { clusters: null, instanceId: 'i-1' } }));
    expect(computeSightings(existing, scoped, [], defaultConfig().cleanup, new Date('2026-01-01T12:05:00Z')).deletes).toEqual([]);
    // The unscoped sweep, by contrast, knows the ENI is gone.
    expect(computeSightings(existing, buildInventory(rawData()), [], defaultConfig().cleanup, new Date('2026-01-01T12:05:00Z')).deletes).toEqual(['eni-elsewhere']);
  });
});
