import type { IpPermission, RouteTable as Ec2RouteTable, SecurityGroup as Ec2SecurityGroup } from '@aws-sdk/client-ec2';
import type { Inventory } from '../model/inventory.js';
import type { ClusterRolePolicies, RouteTableRecord, SecurityGroupRecord, SecurityGroupRule } from '../model/sgp.js';
import type { RawAwsData } from './raw.js';

/** EC2 answers protocol names or IANA numbers; the rule evaluator reads names. */
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

export function toRule(p: IpPermission): SecurityGroupRule {
  const raw = (p.IpProtocol ?? '-1').toLowerCase();
  const protocol = PROTOCOL_NAMES[raw] ?? raw;
  const ported = protocol === 'tcp' || protocol === 'udp';
  return {
    protocol,
    fromPort: ported && typeof p.FromPort === 'number' && p.FromPort >= 0 ? p.FromPort : ported ? 0 : null,
    toPort: ported && typeof p.ToPort === 'number' && p.ToPort >= 0 ? p.ToPort : ported ? 65535 : null,
    cidrs: [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter((c): c is string => !!c),
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
    prefixListIds: (p.PrefixListIds ?? []).map((g) => g.PrefixListId).filter((g): g is string => !!g),
  };
}

export function toSecurityGroup(g: Ec2SecurityGroup): SecurityGroupRecord | null {
  if (!g.GroupId) return null;
  return {
    id: g.GroupId,
    name: g.GroupName ?? null,
    vpcId: g.VpcId ?? null,
    ingress: (g.IpPermissions ?? []).map(toRule),
    egress: (g.IpPermissionsEgress ?? []).map(toRule),
  };
}

export function toRouteTable(t: Ec2RouteTable): RouteTableRecord | null {
  if (!t.RouteTableId) return null;
  const def = (t.Routes ?? []).find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.State !== 'blackhole');
  const target = def ? def.GatewayId ?? def.NatGatewayId ?? def.TransitGatewayId ?? def.NetworkInterfaceId ?? def.InstanceId ?? def.VpcPeeringConnectionId ?? def.LocalGatewayId ?? null : null;
  return {
    id: t.RouteTableId,
    vpcId: t.VpcId ?? null,
    main: (t.Associations ?? []).some((a) => a.Main === true),
    subnetIds: (t.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s).sort(),
    defaultRouteTarget: target,
  };
}

/** The SGP part of the inventory (issue #4); absent when the raw data has none (not collected). */
export function buildSgpAwsPart(raw: RawAwsData): Pick<Inventory, 'sgp'> {
  if (!raw.sgp) return {};
  const securityGroups = new Map<string, SecurityGroupRecord>();
  for (const g of raw.sgp.securityGroups) {
    const rec = toSecurityGroup(g);
    if (rec) securityGroups.set(rec.id, rec);
  }
  const clusterRolePolicies = new Map<string, ClusterRolePolicies>();
  for (const r of raw.sgp.clusterRoles) {
    clusterRolePolicies.set(r.cluster, { cluster: r.cluster, roleArn: r.roleArn, policyArns: r.AttachedPolicies.map((p) => p.PolicyArn).filter((a): a is string => !!a).sort() });
  }
  return {
    sgp: {
      securityGroups,
      securityGroupIdsLookedUp: new Set(raw.sgp.securityGroupIdsLookedUp),
      routeTables: raw.sgp.routeTables.map(toRouteTable).filter((t): t is RouteTableRecord => t !== null).sort((a, b) => a.id.localeCompare(b.id)),
      routeTableSubnetsLookedUp: new Set(raw.sgp.routeTableSubnetsLookedUp),
      clusterRolePolicies,
    },
  };
}
