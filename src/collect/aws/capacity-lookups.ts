import {
  paginateDescribeInstances, paginateDescribeInstanceTypes, paginateDescribeSubnets,
  type EC2Client, type Instance as Ec2Instance, type InstanceTypeInfo, type Subnet as Ec2Subnet,
} from '@aws-sdk/client-ec2';
import { chunk } from '../../util/tags.js';

/**
 * EC2 lookups of the capacity checks, each batched by id through a filter: one unknown id cannot
 * fail a batch (the id parameters answer *.NotFound for the whole call), and 200 values per filter
 * keep the request small.
 */
const FILTER_VALUES_PER_CALL = 200;
/** DescribeInstanceTypes pages hold at most 100. */
const TYPE_PAGE_SIZE = 100;

export async function describeSubnetsById(ec2: EC2Client, ids: readonly string[]): Promise<Ec2Subnet[]> {
  const out: Ec2Subnet[] = [];
  for (const batch of chunk(ids, FILTER_VALUES_PER_CALL)) {
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'subnet-id', Values: batch }] })) out.push(...(page.Subnets ?? []));
  }
  return out;
}

export async function describeInstancesById(ec2: EC2Client, ids: readonly string[]): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  for (const batch of chunk(ids, FILTER_VALUES_PER_CALL)) {
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'instance-id', Values: batch }] })) {
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
    }
  }
  return out;
}

/** Types EC2 does not know are simply absent from the answer. */
export async function describeInstanceTypes(ec2: EC2Client, types: readonly string[]): Promise<InstanceTypeInfo[]> {
  const out: InstanceTypeInfo[] = [];
  for (const batch of chunk(types, FILTER_VALUES_PER_CALL)) {
    for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: TYPE_PAGE_SIZE }, { Filters: [{ Name: 'instance-type', Values: batch }] })) out.push(...(page.InstanceTypes ?? []));
  }
  return out;
}
