import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteTable as Ec2RouteTable, SecurityGroup as Ec2SecurityGroup } from '@aws-sdk/client-ec2';
import type { AttachedPolicy } from '@aws-sdk/client-iam';
import { z } from 'zod';
import type { RawSgpAws } from '../aws/raw-sgp.js';
import { referencedGroupIds } from '../collect-sgp.js';
import type { RawAwsData } from '../raw.js';

/**
 * The Security Groups for Pods part of a snapshot folder (issue #4, docs/snapshot.md), in the
 * AWS CLI's own output shapes. `snapshot --out` adds which ids it asked for (LookedUpGroupIds,
 * LookedUpSubnetIds), because only an id that was asked for and is absent proves a missing group.
 * Hand-made files without them are taken as complete for what the policies and branch ENIs name.
 */
export const SGP_FILES = {
  securityGroups: 'describe-security-groups.json',
  routeTables: 'describe-route-tables.json',
  /** One `aws iam list-attached-role-policies --role-name <cluster role>` answer per cluster: `<cluster>.json`. */
  rolePoliciesDir: 'list-attached-role-policies',
} as const;

const SecurityGroupsFile = z.looseObject({
  SecurityGroups: z.array(z.looseObject({ GroupId: z.string().regex(/^sg-[0-9a-f]+$/, 'expected a security group id (sg-…)') })),
  LookedUpGroupIds: z.array(z.string()).optional(),
});
const RouteTablesFile = z.looseObject({
  RouteTables: z.array(z.looseObject({ RouteTableId: z.string() })),
  LookedUpSubnetIds: z.array(z.string()).optional(),
});
const RolePoliciesFile = z.looseObject({ AttachedPolicies: z.array(z.looseObject({ PolicyArn: z.string() })), RoleArn: z.string().optional() });

type ReadJson = <T>(dir: string, name: string, schema: z.ZodType<T>, required: boolean) => Promise<T | undefined>;
const CLUSTER_FILE = /^([0-9A-Za-z][0-9A-Za-z_-]*)\.json$/;

export async function readSgpFiles(dir: string, readJson: ReadJson, raw: RawAwsData): Promise<Pick<RawAwsData, 'sgp'>> {
  const groups = await readJson(dir, SGP_FILES.securityGroups, SecurityGroupsFile, false);
  const tables = await readJson(dir, SGP_FILES.routeTables, RouteTablesFile, false);
  let roleFiles: string[] = [];
  try {
    roleFiles = (await readdir(join(dir, SGP_FILES.rolePoliciesDir))).filter((f) => CLUSTER_FILE.test(f)).sort();
  } catch {
    // No folder: no role was captured.
  }
  if (!groups && !tables && !roleFiles.length) return {};
  const sgp: RawSgpAws = { securityGroups: [], securityGroupIdsLookedUp: [], routeTables: [], routeTableSubnetsLookedUp: [], clusterRoles: [] };
  if (groups) {
    sgp.securityGroups = groups.SecurityGroups as unknown as Ec2SecurityGroup[];
    sgp.securityGroupIdsLookedUp = groups.LookedUpGroupIds ?? [...new Set([...referencedGroupIds(raw), ...groups.SecurityGroups.map((g) => g.GroupId)])].sort();
  }
  if (tables) {
    sgp.routeTables = tables.RouteTables as unknown as Ec2RouteTable[];
    sgp.routeTableSubnetsLookedUp = tables.LookedUpSubnetIds ?? (raw.subnets ?? []).map((s) => s.SubnetId).filter((s): s is string => !!s);
  }
  for (const f of roleFiles) {
    const cluster = CLUSTER_FILE.exec(f)![1]!;
    const file = await readJson(join(dir, SGP_FILES.rolePoliciesDir), f, RolePoliciesFile, true);
    const roleArn = file?.RoleArn ?? raw.clusters.find((c) => c.name === cluster)?.roleArn;
    if (file && roleArn) sgp.clusterRoles.push({ cluster, roleArn, AttachedPolicies: file.AttachedPolicies as AttachedPolicy[] });
  }
  return { sgp };
}

/** The files `snapshot --out` writes for the SGP part. */
export function sgpFiles(raw: RawAwsData): Array<[string, unknown]> {
  if (!raw.sgp) return [];
  const files: Array<[string, unknown]> = [
    [SGP_FILES.securityGroups, { SecurityGroups: raw.sgp.securityGroups, LookedUpGroupIds: raw.sgp.securityGroupIdsLookedUp }],
    [SGP_FILES.routeTables, { RouteTables: raw.sgp.routeTables, LookedUpSubnetIds: raw.sgp.routeTableSubnetsLookedUp }],
  ];
  for (const r of raw.sgp.clusterRoles) {
    if (CLUSTER_FILE.test(`${r.cluster}.json`)) files.push([join(SGP_FILES.rolePoliciesDir, `${r.cluster}.json`), { AttachedPolicies: r.AttachedPolicies, RoleArn: r.roleArn }]);
  }
  return files;
}
