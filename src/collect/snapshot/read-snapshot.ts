import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Instance as Ec2Instance, NetworkInterface as Ec2NetworkInterface } from '@aws-sdk/client-ec2';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import { z } from 'zod';
import { InputError } from '../../util/errors.js';
import type { StateItem } from '../../state/store.js';
import { clusterFromInstanceTags, referencedIds } from '../build-inventory.js';
import { normaliseEni } from '../classify.js';
import type { RawAwsData } from '../raw.js';
import { tagRecord } from '../../util/tags.js';
import { SNAPSHOT_FILES, SNAPSHOT_FORMAT } from './files.js';
import { capacityGaps, readCapacityFiles } from './capacity-files.js';
import { readSgpFiles } from './sgp-files.js';

const Tag = z.looseObject({ Key: z.string(), Value: z.string().optional() });
const NetworkInterfacesFile = z.looseObject({
  NetworkInterfaces: z.array(z.looseObject({
    NetworkInterfaceId: z.string().regex(/^eni-[0-9a-zA-Z]+$/, 'expected an ENI id (eni-…)'),
    Description: z.string().optional(),
    Status: z.string().optional(),
    TagSet: z.array(Tag).optional(),
  })),
});
const InstancesFile = z.looseObject({
  Reservations: z.array(z.looseObject({
    Instances: z.array(z.looseObject({ InstanceId: z.string(), State: z.looseObject({ Name: z.string() }).optional(), Tags: z.array(Tag).optional() })),
  })),
});
const ClustersFile = z.looseObject({ clusters: z.array(z.string()) });
const DescribeClusterFile = z.looseObject({ cluster: z.looseObject({ name: z.string() }) });
const MetadataFile = z.looseObject({
  format: z.literal(SNAPSHOT_FORMAT).optional(),
  region: z.string().min(1),
  collectedAt: z.iso.datetime({ offset: true }),
  scope: z.looseObject({ clusters: z.array(z.string()).nullable() }).optional(),
});
const SightingsFile = z.looseObject({
  sightings: z.array(z.looseObject({ eniId: z.string(), firstSeen: z.iso.datetime({ offset: true }), lastSeen: z.iso.datetime({ offset: true }) })),
});

/** Reads and validates one JSON file; every failure names the file and the offending field. */
async function readJson<T>(dir: string, name: string, schema: z.ZodType<T>, required: boolean): Promise<T | undefined> {
  const path = join(dir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    if (code === 'ENOENT') throw new InputError(`snapshot file ${name} is missing in ${dir} (see docs/snapshot.md for the expected files)`);
    throw new InputError(`snapshot file ${name} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`snapshot file ${name} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new InputError(`snapshot file ${name} is malformed at ${at}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export interface SnapshotContents {
  raw: RawAwsData;
  sightings: StateItem[];
}

export interface ReadSnapshotOptions {
  /** Used when the folder has no snapshot.json. */
  region?: string;
  clusters: string[] | null;
  now?: () => Date;
}

/**
 * Reads a folder of AWS CLI JSON answers. The files are taken as complete: an instance, trunk or
 * cluster an ENI names but the files lack counts as gone, so capture them as docs/snapshot.md says.
 */
export async function readSnapshot(dir: string, opts: ReadSnapshotOptions): Promise<SnapshotContents> {
  try {
    const st = await readdir(dir);
    if (!Array.isArray(st)) throw new Error('not a directory');
  } catch (err) {
    throw new InputError(`snapshot folder ${dir} cannot be read: ${(err as Error).message}`);
  }
  const meta = await readJson(dir, SNAPSHOT_FILES.metadata, MetadataFile, false);
  const enisFile = await readJson(dir, SNAPSHOT_FILES.networkInterfaces, NetworkInterfacesFile, true);
  const instFile = await readJson(dir, SNAPSHOT_FILES.instances, InstancesFile, true);
  const clustersFile = await readJson(dir, SNAPSHOT_FILES.clusters, ClustersFile, true);
  const sightingsFile = await readJson(dir, SNAPSHOT_FILES.sightings, SightingsFile, false);

  const region = meta?.region ?? opts.region;
  if (!region) throw new InputError(`snapshot folder ${dir} has no ${SNAPSHOT_FILES.metadata} naming its region; pass --region`);

  const networkInterfaces = enisFile!.NetworkInterfaces as unknown as Ec2NetworkInterface[];
  const instances = instFile!.Reservations.flatMap((r) => r.Instances) as unknown as Ec2Instance[];
  const clusterNames = clustersFile!.clusters;

  const clusters: EksCluster[] = [];
  let describeFiles: string[] = [];
  try {
    describeFiles = (await readdir(join(dir, SNAPSHOT_FILES.describeClusterDir))).filter((f) => f.endsWith('.json')).sort();
  } catch {
    describeFiles = [];
  }
  for (const f of describeFiles) {
    const c = await readJson(join(dir, SNAPSHOT_FILES.describeClusterDir), f, DescribeClusterFile, true);
    clusters.push(c!.cluster as unknown as EksCluster);
  }

  const refs = referencedIds(networkInterfaces.map(normaliseEni));
  const named = new Set(refs.clusterNames);
  for (const i of instances) {
    const n = clusterFromInstanceTags(tagRecord(i.Tags));
    if (n) named.add(n);
  }
  const listed = new Set(clusterNames);
  const raw: RawAwsData = {
    region,
    collectedAt: meta?.collectedAt ?? (opts.now?.() ?? new Date()).toISOString(),
    scope: { clusters: opts.clusters },
    networkInterfaces,
    instances,
    instanceIdsLookedUp: refs.instanceIds,
    eniIdsLookedUp: refs.trunkIds,
    clusterNames,
    clusters,
    deletedClusters: [...named].filter((n) => !listed.has(n)).sort(),
    gaps: [],
  };
  // Capacity part (issue #3): optional files; Kubernetes and subnet gaps recorded at capture still apply.
  Object.assign(raw, await readCapacityFiles(dir, readJson));
  // Security Groups for Pods (issue #4): needs the Kubernetes objects and subnets read above.
  Object.assign(raw, await readSgpFiles(dir, readJson, raw));
  raw.gaps.push(...capacityGaps(meta?.gaps));
  const sightings: StateItem[] = (sightingsFile?.sightings ?? []).map((s) => ({
    id: s.eniId,
    data: { firstSeen: s.firstSeen, lastSeen: s.lastSeen },
  }));
  return { raw, sightings };
}
