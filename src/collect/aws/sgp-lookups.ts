import {
  paginateDescribeRouteTables, paginateDescribeSecurityGroups,
  type EC2Client, type RouteTable as Ec2RouteTable, type SecurityGroup as Ec2SecurityGroup,
} from '@aws-sdk/client-ec2';
import { paginateListAttachedRolePolicies, type AttachedPolicy, type IAMClient } from '@aws-sdk/client-iam';
import { chunk } from '../../util/tags.js';

/**
 * EC2 and IAM lookups of the Security Groups for Pods checks (issue #4). Groups are looked up
 * through the `group-id` filter, never GroupIds: GroupIds fails the whole call with
 * InvalidGroup.NotFound when one id does not exist, a filter just leaves it out, so absence from a
 * successful answer is the proof that the group does not exist.
 */
const FILTER_VALUES_PER_CALL = 200;

export async function describeSecurityGroupsById(ec2: EC2Client, ids: readonly string[]): Promise<Ec2SecurityGroup[]> {
  const out: Ec2SecurityGroup[] = [];
  for (const batch of chunk(ids, FILTER_VALUES_PER_CALL)) {
    for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'group-id', Values: batch }] })) out.push(...(page.SecurityGroups ?? []));
  }
  return out;
}

/**
 * Route tables of the subnets: explicit associations, plus the main table of their VPCs, which
 * every subnet without an explicit association uses.
 */
export async function describeRouteTablesForSubnets(ec2: EC2Client, subnetIds: readonly string[], vpcIds: readonly string[]): Promise<Ec2RouteTable[]> {
  const byId = new Map<string, Ec2RouteTable>();
  const collect = async (filters: Array<{ Name: string; Values: string[] }>) => {
    for await (const page of paginateDescribeRouteTables({ client: ec2, pageSize: 100 }, { Filters: filters })) {
      for (const t of page.RouteTables ?? []) if (t.RouteTableId) byId.set(t.RouteTableId, t);
    }
  };
  for (const batch of chunk(subnetIds, FILTER_VALUES_PER_CALL)) await collect([{ Name: 'association.subnet-id', Values: batch }]);
  for (const batch of chunk(vpcIds, FILTER_VALUES_PER_CALL)) await collect([{ Name: 'vpc-id', Values: batch }, { Name: 'association.main', Values: ['true'] }]);
  return [...byId.values()];
}

/** `arn:aws:iam::123456789012:role/some/path/name` → `name`. */
export function roleNameOf(arn: string): string | null {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  return m ? m[1]! : null;
}

export async function listAttachedRolePolicies(iam: IAMClient, roleName: string): Promise<AttachedPolicy[]> {
  const out: AttachedPolicy[] = [];
  for await (const page of paginateListAttachedRolePolicies({ client: iam, pageSize: 100 }, { RoleName: roleName })) out.push(...(page.AttachedPolicies ?? []));
  return out;
}
