import type { RouteTable as Ec2RouteTable, SecurityGroup as Ec2SecurityGroup } from '@aws-sdk/client-ec2';
import type { AttachedPolicy } from '@aws-sdk/client-iam';

/**
 * What EC2 and IAM answered for the Security Groups for Pods checks (issue #4), in their own shapes
 * (what `aws ec2 describe-security-groups`, `describe-route-tables` and `aws iam
 * list-attached-role-policies` print). A list of ids looked up says which absences are proofs.
 */
export interface RawSgpAws {
  /** DescribeSecurityGroups by `group-id` filter: ids that do not exist are simply absent. */
  securityGroups: Ec2SecurityGroup[];
  /** Ids asked for in lookups that succeeded. */
  securityGroupIdsLookedUp: string[];
  /** Route tables associated with the subnets, plus the main table of their VPCs. */
  routeTables: Ec2RouteTable[];
  routeTableSubnetsLookedUp: string[];
  /** IAM ListAttachedRolePolicies of each cluster role that could be read. */
  clusterRoles: Array<{ cluster: string; roleArn: string; AttachedPolicies: AttachedPolicy[] }>;
}
