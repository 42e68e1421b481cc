import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../../util/errors.js';
import type { RawAwsData } from '../raw.js';
import { SNAPSHOT_FILES, SNAPSHOT_FORMAT } from './files.js';
import { capacityFiles } from './capacity-files.js';
import { sgpFiles } from './sgp-files.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Cluster names become file names: refuse anything that could escape the folder. */
const safeFileName = (name: string) => {
  if (!/^[0-9A-Za-z][0-9A-Za-z_-]*$/.test(name)) throw new InputError(`cluster name "${name}" cannot be used as a file name`);
  return `${name}.json`;
};

/** Writes a snapshot folder that `--snapshot` reads back. Never overwrites: the folder must be new or empty. */
export async function writeSnapshot(dir: string, raw: RawAwsData): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const existing = await readdir(dir);
  if (existing.length > 0) throw new InputError(`snapshot folder ${dir} is not empty; choose a new folder (nothing was written)`);
  const files: Array<[string, unknown]> = [
    [SNAPSHOT_FILES.metadata, { format: SNAPSHOT_FORMAT, region: raw.region, collectedAt: raw.collectedAt, scope: raw.scope, gaps: raw.gaps }],
    [SNAPSHOT_FILES.networkInterfaces, { NetworkInterfaces: raw.networkInterfaces }],
    [SNAPSHOT_FILES.instances, { Reservations: raw.instances.length ? [{ Instances: raw.instances }] : [] }],
    [SNAPSHOT_FILES.clusters, { clusters: raw.clusterNames }],
  ];
  await mkdir(join(dir, SNAPSHOT_FILES.describeClusterDir), { recursive: true });
  for (const c of raw.clusters) if (c.name) files.push([join(SNAPSHOT_FILES.describeClusterDir, safeFileName(c.name)), { cluster: c }]);
  files.push(...capacityFiles(raw), ...sgpFiles(raw));
  for (const [name, value] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), json(value));
  }
  return files.map(([name]) => name);
}
