import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import type { ClusterRecord, InstanceRecord, Inventory } from '../model/inventory.js';
import type { NetworkInterface } from '../model/network-interface.js';
import { CLUSTER_TAG_PREFIX, INSTANCE_CLUSTER_TAGS } from '../model/eks-marks.js';
import { tagRecord } from '../util/tags.js';
import { normaliseEni } from './classify.js';
import { buildCapacityParts } from './build-capacity.js';
import { buildSgpAwsPart } from './build-sgp-aws.js';
import type { RawAwsData } from './raw.js';

function toInstance(raw: Ec2Instance): InstanceRecord | null {
  if (!raw.InstanceId) return null;
  return {
    id: raw.InstanceId,
    state: raw.State?.Name ?? 'unknown',
    instanceType: raw.InstanceType ?? null,
    vpcId: raw.VpcId ?? null,
    subnetId: raw.SubnetId ?? null,
    tags: tagRecord(raw.Tags),
    privateIp: raw.PrivateIpAddress ?? null,
    securityGroupIds: (raw.SecurityGroups ?? []).map((g) => g.GroupId).filter((id): id is string => !!id),
    defaultCardEnis: raw.NetworkInterfaces ? raw.NetworkInterfaces.filter((n) => (n.Attachment?.NetworkCardIndex ?? 0) === 0).length : null,
  };
}

function toCluster(raw: EksCluster): ClusterRecord | null {
  if (!raw.name) return null;
  return {
    name: raw.name,
    status: raw.status ?? null,
    vpcId: raw.resourcesVpcConfig?.vpcId ?? null,
    securityGroupIds: raw.resourcesVpcConfig?.securityGroupIds ?? [],
    clusterSecurityGroupId: raw.resourcesVpcConfig?.clusterSecurityGroupId ?? null,
    endpoint: raw.endpoint ?? null,
    roleArn: raw.roleArn ?? null,
  };
}

/** The cluster a node belongs to, from the tags EKS node groups, eksctl and Karpenter write. */
export function clusterFromInstanceTags(tags: Readonly<Record<string, string>>): string | null {
  for (const key of INSTANCE_CLUSTER_TAGS) if (tags[key]) return tags[key];
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(CLUSTER_TAG_PREFIX) && (value === 'owned' || value === 'shared')) return key.slice(CLUSTER_TAG_PREFIX.length);
  }
  return null;
}

/**
 * Turns raw API answers into the inventory the checks read. Pure and deterministic: the same raw
 * data (live or from a snapshot folder) always gives the same inventory.
 */
export function buildInventory(raw: RawAwsData): Inventory {
  const collectedAt = new Date(raw.collectedAt);
  if (Number.isNaN(collectedAt.getTime())) throw new RangeError(`invalid collection time "${raw.collectedAt}"`);

  const instances = new Map<string, InstanceRecord>();
  for (const i of raw.instances) {
    const rec = toInstance(i);
    if (rec) instances.set(rec.id, rec);
  }
  const clusters = new Map<string, ClusterRecord>();
  for (const c of raw.clusters) {
    const rec = toCluster(c);
    if (rec) clusters.set(rec.name, rec);
  }
  // Listed but not described (DescribeCluster not needed or failed): still known to exist.
  for (const name of raw.clusterNames) {
    if (!clusters.has(name)) {
      clusters.set(name, { name, status: null, vpcId: null, securityGroupIds: [], clusterSecurityGroupId: null, endpoint: null, roleArn: null });
    }
  }

  const byId = new Map<string, NetworkInterface>();
  for (const e of raw.networkInterfaces) {
    const eni = normaliseEni(e);
    byId.set(eni.id, eni);
  }
  const scope = raw.scope.clusters ? new Set(raw.scope.clusters) : null;
  const networkInterfaces: NetworkInterface[] = [];
  for (const eni of byId.values()) {
    let attributed = eni;
    if (eni.ownedByEks && !eni.cluster && eni.instanceId) {
      const inst = instances.get(eni.instanceId);
      const name = inst ? clusterFromInstanceTags(inst.tags) : null;
      if (name) attributed = { ...eni, cluster: name, clusterSource: 'instance-tag' };
    }
    if (scope && !(attributed.cluster && scope.has(attributed.cluster))) continue;
    // Instance scope: trunks looked up by id may belong to other instances; they are not this run's business.
    if (raw.scope.instanceId !== undefined && attributed.instanceId !== raw.scope.instanceId) continue;
    networkInterfaces.push(attributed);
  }
  networkInterfaces.sort((a, b) => a.id.localeCompare(b.id));

  const eniIdsLookedUp = new Set(raw.eniIdsLookedUp);
  const eniIdsNotFound = new Set([...eniIdsLookedUp].filter((id) => !byId.has(id)));

  return {
    region: raw.region,
    collectedAt,
    scope: { clusters: raw.scope.clusters, ...(raw.scope.instanceId !== undefined ? { instanceId: raw.scope.instanceId } : {}) },
    networkInterfaces,
    instances,
    instanceIdsLookedUp: new Set(raw.instanceIdsLookedUp),
    eniIdsNotFound,
    eniIdsLookedUp,
    clusters,
    deletedClusters: new Set(raw.deletedClusters.filter((n) => !clusters.has(n))),
    gaps: raw.gaps,
    ...buildCapacityParts(raw, [...byId.values()], instances),
    ...buildSgpAwsPart(raw),
  };
}

/** Ids the collector must look up, derived from the ENIs: shared by the live and snapshot paths. */
export function referencedIds(enis: readonly NetworkInterface[]): { instanceIds: string[]; trunkIds: string[]; clusterNames: string[] } {
  const instanceIds = new Set<string>();
  const trunkIds = new Set<string>();
  const clusterNames = new Set<string>();
  for (const e of enis) {
    if (!e.ownedByEks) continue;
    if (e.instanceId) instanceIds.add(e.instanceId);
    if (e.trunkId) trunkIds.add(e.trunkId);
    if (e.cluster) clusterNames.add(e.cluster);
  }
  return { instanceIds: [...instanceIds].sort(), trunkIds: [...trunkIds].sort(), clusterNames: [...clusterNames].sort() };
}
