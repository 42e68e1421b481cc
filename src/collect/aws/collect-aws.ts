import {
  paginateDescribeInstances, paginateDescribeNetworkInterfaces,
  type EC2Client, type Instance as Ec2Instance, type NetworkInterface as Ec2NetworkInterface,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, paginateListClusters, type Cluster as EksCluster, type EKSClient } from '@aws-sdk/client-eks';
import { EKS_DESCRIPTION_FILTER_VALUES } from '../../model/eks-marks.js';
import type { CollectionGap } from '../../model/inventory.js';
import { describeError, errorCode } from '../../util/errors.js';
import { chunk } from '../../util/tags.js';
import { normaliseEni } from '../classify.js';
import { listInstanceEnis } from './instance-enis.js';
import { clusterFromInstanceTags, referencedIds } from '../build-inventory.js';
import type { RawAwsData } from '../raw.js';

/** EC2 accepts up to 1000 results per page; filter value lists are kept at 200 per call. */
const PAGE_SIZE = 1000;
const FILTER_VALUES_PER_CALL = 200;

export interface CollectAwsOptions {
  region: string;
  clusters: string[] | null;
  /** Only the ENIs tagged with this instance (server-side filter), e.g. after its termination. */
  instanceId?: string;
  now?: () => Date;
}

/** Every ENI with an EKS description, all statuses, one paginated server-side-filtered listing. */
async function listEksEnis(ec2: EC2Client): Promise<Ec2NetworkInterface[]> {
  const out: Ec2NetworkInterface[] = [];
  const pages = paginateDescribeNetworkInterfaces({ client: ec2, pageSize: PAGE_SIZE }, {
    Filters: [{ Name: 'description', Values: EKS_DESCRIPTION_FILTER_VALUES }],
  });
  for await (const page of pages) out.push(...(page.NetworkInterfaces ?? []));
  return out;
}

/**
 * Instances by id. A filter rather than InstanceIds, so one unknown id cannot fail the batch
 * (InstanceIds answers InvalidInstanceID.NotFound for the whole call).
 */
async function lookUpInstances(ec2: EC2Client, ids: readonly string[]): Promise<Ec2Instance[]> {
  const found: Ec2Instance[] = [];
  for (const batch of chunk(ids, FILTER_VALUES_PER_CALL)) {
    const pages = paginateDescribeInstances({ client: ec2, pageSize: PAGE_SIZE }, { Filters: [{ Name: 'instance-id', Values: batch }] });
    for await (const page of pages) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
  }
  return found;
}

async function lookUpEnis(ec2: EC2Client, ids: readonly string[]): Promise<Ec2NetworkInterface[]> {
  const found: Ec2NetworkInterface[] = [];
  for (const batch of chunk(ids, FILTER_VALUES_PER_CALL)) {
    const pages = paginateDescribeNetworkInterfaces({ client: ec2, pageSize: PAGE_SIZE }, { Filters: [{ Name: 'network-interface-id', Values: batch }] });
    for await (const page of pages) found.push(...(page.NetworkInterfaces ?? []));
  }
  return found;
}

/**
 * Reads one region. ENI listing failures fail the sweep (nothing can be judged); every other
 * lookup failure becomes a CollectionGap, which disables exactly the proofs that depend on it.
 */
export async function collectAws(ec2: EC2Client, eks: EKSClient, opts: CollectAwsOptions): Promise<RawAwsData> {
  const collectedAt = (opts.now?.() ?? new Date()).toISOString();
  const gaps: CollectionGap[] = [];
  const networkInterfaces = opts.instanceId !== undefined ? await listInstanceEnis(ec2, opts.instanceId) : await listEksEnis(ec2);
  const normalised = networkInterfaces.map(normaliseEni);
  const refs = referencedIds(normalised);

  let instances: Ec2Instance[] = [];
  let instanceIdsLookedUp: string[] = [];
  try {
    instances = await lookUpInstances(ec2, refs.instanceIds);
    instanceIdsLookedUp = refs.instanceIds;
  } catch (err) {
    gaps.push({ source: 'ec2:DescribeInstances', affects: 'instances', reason: describeError(err) });
  }

  const known = new Set(normalised.map((e) => e.id));
  const missingTrunks = refs.trunkIds.filter((id) => !known.has(id));
  let eniIdsLookedUp: string[] = refs.trunkIds.filter((id) => known.has(id));
  try {
    networkInterfaces.push(...(await lookUpEnis(ec2, missingTrunks)));
    eniIdsLookedUp = refs.trunkIds;
  } catch (err) {
    gaps.push({ source: 'ec2:DescribeNetworkInterfaces (trunks)', affects: 'trunks', reason: describeError(err) });
  }

  // Clusters named by ENI tags, by instance tags, or asked for by the user.
  const wanted = new Set<string>([...refs.clusterNames, ...(opts.clusters ?? [])]);
  for (const i of instances) {
    const name = clusterFromInstanceTags(Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
    if (name) wanted.add(name);
  }

  const clusterNames: string[] = [];
  const clusters: EksCluster[] = [];
  const deletedClusters: string[] = [];
  try {
    for await (const page of paginateListClusters({ client: eks, pageSize: 100 }, {})) clusterNames.push(...(page.clusters ?? []));
    // Describe only the clusters this sweep is about; ResourceNotFoundException is the proof of deletion.
    for (const name of [...wanted].sort()) {
      try {
        const out = await eks.send(new DescribeClusterCommand({ name }));
        if (out.cluster) clusters.push(out.cluster);
      } catch (err) {
        if (errorCode(err) === 'ResourceNotFoundException') deletedClusters.push(name);
        else gaps.push({ source: `eks:DescribeCluster ${name}`, affects: 'clusters', reason: describeError(err) });
      }
    }
  } catch (err) {
    gaps.push({ source: 'eks:ListClusters', affects: 'clusters', reason: describeError(err) });
  }

  return {
    region: opts.region,
    collectedAt,
    scope: { clusters: opts.clusters, ...(opts.instanceId !== undefined ? { instanceId: opts.instanceId } : {}) },
    networkInterfaces,
    instances,
    instanceIdsLookedUp,
    eniIdsLookedUp,
    clusterNames,
    clusters,
    deletedClusters,
    gaps,
  };
}

