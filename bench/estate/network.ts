import type { SynthRouteTable, SynthSecurityGroup, SynthSubnet } from './types.js';

export interface NetworkSite {
  cluster: string;
  vpcId: string;
  subnets: readonly SynthSubnet[];
  /** Pod security group (named by SecurityGroupPolicies and on branch ENIs). */
  sgId: string;
  clusterSgId: string | null;
}

/** What an EKS cluster role usually carries (the resource controller needs the second for trunks). */
export const CLUSTER_ROLE_POLICIES = [
  { name: 'AmazonEKSClusterPolicy', arn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' },
  { name: 'AmazonEKSVPCResourceController', arn: 'arn:aws:iam::aws:policy/AmazonEKSVPCResourceController' },
];

export const roleArnOf = (cluster: string) => `arn:aws:iam::123456789012:role/eks-${cluster}-cluster-role`;

/**
 * Each VPC's security groups and route tables, healthy: pod groups let the VPC in (kubelet probes)
 * and everything out (DNS); private subnets route through a NAT gateway; the main table is bare.
 */
export function generateNetwork(sites: readonly NetworkSite[], id: (prefix: string) => string): { securityGroups: SynthSecurityGroup[]; routeTables: SynthRouteTable[] } {
  const securityGroups: SynthSecurityGroup[] = [];
  const routeTables: SynthRouteTable[] = [];
  const allOut = [{ protocol: '-1' as const, cidrs: ['0.0.0.0/0'], groups: [] }];
  for (const s of sites) {
    securityGroups.push({ id: s.sgId, vpcId: s.vpcId, name: `${s.cluster}-pods`, ingress: [{ protocol: '-1', cidrs: ['10.0.0.0/8'], groups: [] }], egress: allOut });
    if (s.clusterSgId) {
      securityGroups.push({ id: s.clusterSgId, vpcId: s.vpcId, name: `eks-cluster-sg-${s.cluster}`, ingress: [{ protocol: '-1', cidrs: [], groups: [s.clusterSgId, s.sgId] }], egress: allOut });
    }
    routeTables.push({ id: id('rtb'), vpcId: s.vpcId, main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/8', target: 'local' }] });
    routeTables.push({
      id: id('rtb'), vpcId: s.vpcId, main: false, subnetIds: s.subnets.map((x) => x.id),
      routes: [{ destination: '10.0.0.0/8', target: 'local' }, { destination: '0.0.0.0/0', target: id('nat') }],
    });
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  return { securityGroups: securityGroups.sort(byId), routeTables: routeTables.sort(byId) };
}
