import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstanceTypeInfo, Subnet as Ec2Subnet } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { AWS_NODE } from '../../model/kube-marks.js';
import type { CollectionGap } from '../../model/inventory.js';
import { InputError } from '../../util/errors.js';
import type {
  KubeObject, RawCniNode, RawDaemonSet, RawEniConfig, RawEvent, RawKubernetesCluster, RawNode, RawPod, RawSecurityGroupPolicy,
} from '../kubernetes/raw-kubernetes.js';
import type { RawAwsData } from '../raw.js';

/**
 * The capacity part of a snapshot folder (issue #3, docs/snapshot.md): EC2 subnets and instance
 * types, and per cluster a `kubernetes/<cluster>/` folder of `kubectl get … -o json` files.
 */
export const CAPACITY_FILES = {
  subnets: 'describe-subnets.json',
  instanceTypes: 'describe-instance-types.json',
  kubernetesDir: 'kubernetes',
  /** What `snapshot --out` writes into each cluster folder (any *.json there is read). */
  kubernetesObjects: 'objects.json',
  /** Folder name for a kubeconfig context that could not be tied to an EKS cluster. */
  unattributed: '_unattributed',
} as const;

export const SubnetsFile = z.looseObject({
  Subnets: z.array(z.looseObject({ SubnetId: z.string().regex(/^subnet-[0-9a-zA-Z]+$/, 'expected a subnet id (subnet-…)'), AvailableIpAddressCount: z.number().int() })),
});
export const InstanceTypesFile = z.looseObject({ InstanceTypes: z.array(z.looseObject({ InstanceType: z.string() })) });

const KubeItem = z.looseObject({ kind: z.string(), metadata: z.looseObject({ name: z.string() }) });
/** `kubectl get a,b -o json` prints a List; `kubectl get a x -o json` prints the object itself. */
export const KubeFile = z.union([z.looseObject({ kind: z.literal('List'), items: z.array(KubeItem) }), z.looseObject({ items: z.array(KubeItem) }), KubeItem]);

/** The gaps recorded at capture that still explain the offline run (Kubernetes and subnets). */
export const CapacityGap = z.looseObject({ source: z.string(), affects: z.enum(['kubernetes', 'subnets', 'security-groups', 'iam']), reason: z.string() });

type ReadJson = <T>(dir: string, name: string, schema: z.ZodType<T>, required: boolean) => Promise<T | undefined>;

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** Sorts a bag of objects into the parts of one cluster; kinds the auditor does not read are ignored. */
export function sortKubeObjects(cluster: string | null, access: string, objects: readonly KubeObject[]): RawKubernetesCluster {
  const raw: RawKubernetesCluster = { cluster, access, nodes: [], pods: [], events: [], cniNodes: [], eniConfigs: [], awsNode: null, missing: [] };
  for (const o of objects) {
    switch (o.kind) {
      case 'Node': raw.nodes.push(o as RawNode); break;
      case 'Pod': raw.pods.push(o as RawPod); break;
      case 'Event': raw.events.push(o as RawEvent); break;
      case 'CNINode': raw.cniNodes.push(o as RawCniNode); break;
      case 'ENIConfig': raw.eniConfigs.push(o as RawEniConfig); break;
      // Issue #4. Absent kinds stay absent: an older capture did not collect them.
      case 'SecurityGroupPolicy': (raw.securityGroupPolicies ??= []).push(o as RawSecurityGroupPolicy); break;
      case 'ServiceAccount': (raw.serviceAccounts ??= []).push(o); break;
      case 'DaemonSet':
        if (o.metadata?.name === AWS_NODE.name && (o.metadata.namespace ?? AWS_NODE.namespace) === AWS_NODE.namespace) raw.awsNode = o as RawDaemonSet;
        break;
      default:
    }
  }
  return raw;
}

export async function readCapacityFiles(dir: string, readJson: ReadJson): Promise<Pick<RawAwsData, 'subnets' | 'instanceTypes' | 'kubernetes'>> {
  const out: Pick<RawAwsData, 'subnets' | 'instanceTypes' | 'kubernetes'> = {};
  const subnets = await readJson(dir, CAPACITY_FILES.subnets, SubnetsFile, false);
  if (subnets) out.subnets = subnets.Subnets as unknown as Ec2Subnet[];
  const types = await readJson(dir, CAPACITY_FILES.instanceTypes, InstanceTypesFile, false);
  if (types) out.instanceTypes = types.InstanceTypes as unknown as InstanceTypeInfo[];

  const kubeDir = join(dir, CAPACITY_FILES.kubernetesDir);
  let clusters: string[];
  try {
    clusters = (await readdir(kubeDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return out;
  }
  out.kubernetes = [];
  for (const name of clusters) {
    if (name !== CAPACITY_FILES.unattributed && !/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(name)) throw new InputError(`snapshot folder ${CAPACITY_FILES.kubernetesDir}/${name} is not named after an EKS cluster`);
    const objects: KubeObject[] = [];
    for (const file of await jsonFiles(join(kubeDir, name))) {
      const parsed = await readJson(join(kubeDir, name), file, KubeFile, true);
      if (parsed) objects.push(...('items' in parsed ? parsed.items : [parsed]) as KubeObject[]);
    }
    out.kubernetes.push(sortKubeObjects(name === CAPACITY_FILES.unattributed ? null : name, 'snapshot', objects));
  }
  return out;
}

/** The files `snapshot --out` writes for the capacity part; names are checked by the caller. */
export function capacityFiles(raw: RawAwsData): Array<[string, unknown]> {
  const files: Array<[string, unknown]> = [];
  if (raw.subnets) files.push([CAPACITY_FILES.subnets, { Subnets: raw.subnets }]);
  if (raw.instanceTypes) files.push([CAPACITY_FILES.instanceTypes, { InstanceTypes: raw.instanceTypes }]);
  for (const k of raw.kubernetes ?? []) {
    // Cluster names become folder names: refuse anything that could escape the folder.
    if (k.cluster !== null && !/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(k.cluster)) throw new InputError(`cluster name "${k.cluster}" cannot be used as a folder name`);
    const items = [...k.nodes, ...k.pods, ...k.events, ...k.cniNodes, ...k.eniConfigs, ...(k.awsNode ? [k.awsNode] : []), ...(k.securityGroupPolicies ?? []), ...(k.serviceAccounts ?? [])];
    files.push([join(CAPACITY_FILES.kubernetesDir, k.cluster ?? CAPACITY_FILES.unattributed, CAPACITY_FILES.kubernetesObjects), { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }]);
  }
  return files;
}

/** Capture-time gaps worth repeating offline; others (ENI-proof lookups) are settled by the files. */
export function capacityGaps(gaps: unknown): CollectionGap[] {
  const parsed = z.array(z.unknown()).safeParse(gaps);
  if (!parsed.success) return [];
  return parsed.data.flatMap((g) => {
    const one = CapacityGap.safeParse(g);
    return one.success ? [{ source: one.data.source, affects: one.data.affects, reason: one.data.reason }] : [];
  });
}
