import { DEFAULT_CONTROLLER_EVENT_REASONS, DEFAULT_EVENT_REASONS } from '../../src/collect/kubernetes/collect-kubernetes.js';
import type { Estate, KubeEstate } from '../estate/types.js';

/** Page and batch sizes the minimum is computed at: EC2's and EKS's maxima, the Kubernetes limit the collector uses. */
export interface PageSizes {
  ec2Page: number;
  /** DescribeRouteTables pages hold at most 100. */
  routeTablePage: number;
  filterValues: number;
  eksList: number;
  kubeLimit: number;
}

export const DEFAULT_PAGE_SIZES: PageSizes = { ec2Page: 1000, routeTablePage: 100, filterValues: 200, eksList: 100, kubeLimit: 500 };

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
const batches = (n: number, size: number) => Math.ceil(n / size);

type Ev = { reason?: string; involvedObject?: { kind?: string } };

/** The event lists the collector makes (one field-selected list per reason), and what each returns. */
export function eventLists(k: KubeEstate | undefined): number[] {
  const events = (k?.events ?? []) as Ev[];
  return [
    ...DEFAULT_EVENT_REASONS.map((r) => events.filter((e) => e.reason === r && e.involvedObject?.kind === 'Pod').length),
    ...DEFAULT_CONTROLLER_EVENT_REASONS.map((r) => events.filter((e) => e.reason === r).length),
  ];
}

/** Subnets the collector looks up: those of EKS-owned ENIs, running nodes and ENIConfigs. */
function subnetsInUse(estate: Estate): Set<string> {
  const subnets = new Set<string>();
  for (const eni of estate.enis) if (eni.truth !== 'other' && eni.truth !== 'lookalike') subnets.add(eni.subnetId);
  for (const i of estate.instances) if (i.state === 'running') subnets.add(i.subnetId);
  for (const k of estate.kube) for (const c of k.eniConfigs) subnets.add((c as { spec: { subnet: string } }).spec.subnet);
  return subnets;
}

/**
 * The fewest requests a sweep of this estate can make, per operation (keys as the stand-in counts
 * them): every listing at its largest page, every lookup by id at the largest batch, each cluster
 * described once, each Kubernetes list at `kubeLimit` (one page even when empty). Counts come from
 * the synthetic truth; only the list of event reasons is the product's (each list is needed).
 */
export function minimumRequests(estate: Estate, p: PageSizes = DEFAULT_PAGE_SIZES): Record<string, number> {
  const e = estate.expected;
  const deleted = new Set(estate.deletedClusters);
  const kubeTargets = estate.listedClusters.filter((c) => !deleted.has(c));
  const kube = new Map(estate.kube.map((k) => [k.cluster, k]));
  const subnets = subnetsInUse(estate);
  const min: Record<string, number> = {
    'ec2:DescribeNetworkInterfaces[description]': pages(e.eksDescribed, p.ec2Page),
    'ec2:DescribeNetworkInterfaces[network-interface-id]': batches(e.missingTrunkIds, p.filterValues),
    'ec2:DescribeInstances[instance-id]': batches(e.referencedInstanceIds, p.filterValues),
    'ec2:DescribeSubnets[subnet-id]': batches(subnets.size, p.filterValues),
    'eks:ListClusters': pages(estate.listedClusters.length, p.eksList),
    'eks:DescribeCluster': new Set([...e.wantedClusters, ...kubeTargets]).size,
  };
  const add = (op: string, n: number) => (min[op] = (min[op] ?? 0) + n);
  for (const name of kubeTargets) {
    const k = kube.get(name);
    add('k8s:nodes', pages(k?.nodes.length ?? 0, p.kubeLimit));
    add('k8s:pods', pages(k?.pods.length ?? 0, p.kubeLimit));
    for (const n of eventLists(k)) add('k8s:events', pages(n, p.kubeLimit));
    add('k8s:cninodes', pages(k?.cniNodes.length ?? 0, p.kubeLimit));
    add('k8s:eniconfigs', pages(k?.eniConfigs.length ?? 0, p.kubeLimit));
    add('k8s:securitygrouppolicies', pages(k?.securityGroupPolicies.length ?? 0, p.kubeLimit));
    add('k8s:serviceaccounts', pages(k?.serviceAccounts.length ?? 0, p.kubeLimit));
    add('k8s:daemonsets/aws-node', 1);
  }

  // Security Groups for Pods, for the clusters that have policies: their groups, route tables, cluster roles.
  const sgpClusters = estate.kube.filter((k) => k.securityGroupPolicies.length > 0).map((k) => k.cluster);
  if (sgpClusters.length) {
    const groups = new Set<string>();
    for (const k of estate.kube) for (const o of k.securityGroupPolicies) for (const g of (o as { spec: { securityGroups: { groupIds: string[] } } }).spec.securityGroups.groupIds) groups.add(g);
    const names = new Set(sgpClusters);
    for (const eni of estate.enis) {
      const cluster = Object.entries(eni.tags).find(([key, v]) => key.startsWith('kubernetes.io/cluster/') && v === 'owned')?.[0].slice('kubernetes.io/cluster/'.length);
      if (eni.interfaceType === 'branch' && eni.truth !== 'lookalike' && cluster && names.has(cluster)) for (const g of eni.groups) groups.add(g.id);
    }
    add('ec2:DescribeSecurityGroups[group-id]', batches(groups.size, p.filterValues));
    const subnetList = [...subnets].sort();
    const vpcs = [...new Set(estate.subnets.filter((s) => subnets.has(s.id)).map((s) => s.vpcId))].sort();
    for (let i = 0; i < subnetList.length; i += p.filterValues) {
      const batch = new Set(subnetList.slice(i, i + p.filterValues));
      add('ec2:DescribeRouteTables[association.subnet-id]', pages(estate.routeTables.filter((t) => t.subnetIds.some((s) => batch.has(s))).length, p.routeTablePage));
    }
    for (let i = 0; i < vpcs.length; i += p.filterValues) {
      const batch = new Set(vpcs.slice(i, i + p.filterValues));
      add('ec2:DescribeRouteTables[vpc-id,association.main]', pages(estate.routeTables.filter((t) => t.main && batch.has(t.vpcId)).length, p.routeTablePage));
    }
    add('iam:ListAttachedRolePolicies', sgpClusters.length);
  }
  return Object.fromEntries(Object.entries(min).filter(([, v]) => v > 0));
}
