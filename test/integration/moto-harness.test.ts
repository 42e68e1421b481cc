/**
 * The moto harness itself, and the moto behaviour the auditor leans on: ENI
 * server-side filters (description, tag:, status) and the EKS cluster lifecycle.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  CreateNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcsCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import {
  EKSClient,
  CreateClusterCommand,
  DescribeClusterCommand,
  DeleteClusterCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { startMoto, awsTestEnv, clientConfig, type MotoServer } from '../harness/moto.js';

let moto: MotoServer;
let ec2: EC2Client;
let eks: EKSClient;
let startupMs = 0;

beforeAll(async () => {
  const t0 = Date.now();
  moto = await startMoto();
  startupMs = Date.now() - t0;
  ec2 = new EC2Client(clientConfig(moto.endpoint));
  eks = new EKSClient(clientConfig(moto.endpoint));
});

afterAll(async () => {
  ec2?.destroy();
  eks?.destroy();
  await moto?.stop();
});

describe('moto harness', () => {
  test('endpoint is a loopback URL and the env/config helpers point at it', () => {
    // Shows up in the jest output; keep an eye on it, every test file pays it.
    console.info(`moto startup: ${startupMs} ms`);
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(awsTestEnv(moto.endpoint)).toEqual({
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(clientConfig(moto.endpoint, 'eu-west-1')).toEqual({
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  test('reset() drops all state', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.99.0.0/16' }));
    const before = await ec2.send(new DescribeVpcsCommand({}));
    expect(before.Vpcs?.map((v) => v.VpcId)).toContain(Vpc?.VpcId);

    await moto.reset();

    const after = await ec2.send(new DescribeVpcsCommand({}));
    expect(after.Vpcs?.map((v) => v.VpcId)).not.toContain(Vpc?.VpcId);
  });

  test('a second server is independent and stop() really stops it', async () => {
    const other = await startMoto();
    try {
      expect(other.endpoint).not.toBe(moto.endpoint);
      const res = await fetch(`${other.endpoint}/moto-api/`);
      expect(res.ok).toBe(true);
      await res.arrayBuffer();
    } finally {
      await other.stop();
    }
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
    await other.stop(); // idempotent
  });
});

describe('EC2 ENIs in moto', () => {
  let subnetId: string;
  let branchEniId: string;

  beforeAll(async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }),
    );
    subnetId = Subnet!.SubnetId!;

    const branch = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnetId,
        Description: 'aws-k8s-branch-eni',
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [
              { Key: 'eks:eni:owner', Value: 'eks-vpc-resource-controller' },
              { Key: 'vpcresources.k8s.aws/vlan-id', Value: '1' },
            ],
          },
        ],
      }),
    );
    branchEniId = branch.NetworkInterface!.NetworkInterfaceId!;

    // Decoys: same description but another owner, and same owner tag on a node ENI.
    await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnetId,
        Description: 'aws-k8s-branch-eni',
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'eks:eni:owner', Value: 'someone-else' }] }],
      }),
    );
    await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnetId,
        Description: 'aws-K8S-i-0123456789abcdef0',
        TagSpecifications: [
          { ResourceType: 'network-interface', Tags: [{ Key: 'eks:eni:owner', Value: 'eks-vpc-resource-controller' }] },
        ],
      }),
    );
  });

  async function idsFor(filters: Filter[]): Promise<string[]> {
    const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters }));
    return (out.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId!).sort();
  }

  test('creation keeps Description and TagSpecifications', async () => {
    const out = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [branchEniId] }));
    const eni = out.NetworkInterfaces?.[0];
    expect(eni?.Description).toBe('aws-k8s-branch-eni');
    expect(eni?.Status).toBe('available');
    expect(eni?.SubnetId).toBe(subnetId);
    expect(eni?.TagSet).toEqual(
      expect.arrayContaining([{ Key: 'eks:eni:owner', Value: 'eks-vpc-resource-controller' }]),
    );
  });

  test('filters server-side on description + tag:eks:eni:owner + status', async () => {
    expect(
      await idsFor([
        { Name: 'description', Values: ['aws-k8s-branch-eni'] },
        { Name: 'tag:eks:eni:owner', Values: ['eks-vpc-resource-controller'] },
        { Name: 'status', Values: ['available'] },
      ]),
    ).toEqual([branchEniId]);

    expect(await idsFor([{ Name: 'description', Values: ['aws-k8s-branch-eni'] }])).toHaveLength(2);
    expect(await idsFor([{ Name: 'tag:eks:eni:owner', Values: ['eks-vpc-resource-controller'] }])).toHaveLength(2);
    // Values are wildcards, as in EC2.
    expect(await idsFor([{ Name: 'description', Values: ['aws-k8s-*'] }])).toHaveLength(2);
    expect(
      await idsFor([
        { Name: 'description', Values: ['aws-k8s-branch-eni'] },
        { Name: 'status', Values: ['in-use'] },
      ]),
    ).toEqual([]);
  });
});

describe('EKS clusters in moto', () => {
  test('create, describe, delete, then ResourceNotFoundException', async () => {
    const name = 'audit-test';
    const created = await eks.send(
      new CreateClusterCommand({
        name,
        version: '1.33',
        roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
        resourcesVpcConfig: { subnetIds: ['subnet-12345678'] },
      }),
    );
    expect(created.cluster?.name).toBe(name);

    const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
    // moto: ACTIVE immediately, fake endpoint and CA (tests must substitute their own).
    expect(cluster?.status).toBe('ACTIVE');
    expect(cluster?.version).toBe('1.33');
    expect(cluster?.arn).toMatch(/^arn:aws:eks:us-east-1:\d{12}:cluster\/audit-test$/);

    await eks.send(new DeleteClusterCommand({ name }));

    const err = await eks.send(new DescribeClusterCommand({ name })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect((err as ResourceNotFoundException).name).toBe('ResourceNotFoundException');
    expect((err as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });
});
