/** The documented file names of a snapshot folder (docs/snapshot.md). */
export const SNAPSHOT_FILES = {
  metadata: 'snapshot.json',
  networkInterfaces: 'describe-network-interfaces.json',
  instances: 'describe-instances.json',
  clusters: 'list-clusters.json',
  /** One `aws eks describe-cluster --name <name>` answer per file. */
  describeClusterDir: 'describe-cluster',
  /** Optional: orphan sightings as of the capture, so grace periods can be evaluated offline. */
  sightings: 'sightings.json',
} as const;

export const SNAPSHOT_FORMAT = 'vpc-cni-auditor-snapshot/1';
