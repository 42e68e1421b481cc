import { writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { createAwsClients } from '../../src/aws/clients.js';
import { collectAws } from '../../src/collect/aws/collect-aws.js';
import { collectCapacity } from '../../src/collect/collect-capacity.js';
import { childMain } from '../child.js';
import { RssSampler, maxRssMb, rssMb, timed, type Timing } from '../measure/phase.js';

export interface CollectPayload {
  url: string;
  region: string;
  /** Where to leave the raw answers for the check phase (v8-serialised). */
  rawFile: string;
}

export interface CollectResult {
  type: 'collected';
  timing: Timing;
  baselineRssMb: number;
  peakRssMb: number;
  maxRssMb: number;
  counts: { enis: number; instances: number; clusters: number; deletedClusters: number; subnets: number; kubeClusters: number; nodes: number; pods: number; events: number };
  kubernetesRequests: number;
  gaps: string[];
}

/**
 * The collection phase exactly as runScan does it for live AWS: collectAws, then collectCapacity
 * with EKS access (endpoint and CA from DescribeCluster, an STS-presigned token), against the
 * stand-in. Nothing in the product is replaced.
 */
childMain<CollectPayload>(async (p, send) => {
  process.env.AWS_ENDPOINT_URL = p.url;
  const clients = createAwsClients({ region: p.region });
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const sampler = new RssSampler();
  const baselineRssMb = rssMb();
  await sampler.reset();
  const { value, timing } = await timed(async () => {
    const raw = await collectAws(clients.ec2, clients.eks, { region: p.region, clusters: null });
    const stats = await collectCapacity(clients.ec2, clients.eks, raw, { kubernetes: { kind: 'eks', credentials }, ...(clients.iam ? { iam: clients.iam } : {}) });
    return { raw, stats };
  });
  const peakRssMb = await sampler.peakMb();
  await sampler.close();
  const { raw, stats } = value;
  const kube = raw.kubernetes ?? [];
  const result: CollectResult = {
    type: 'collected',
    timing,
    baselineRssMb,
    peakRssMb,
    maxRssMb: maxRssMb(),
    counts: {
      enis: raw.networkInterfaces.length, instances: raw.instances.length, clusters: raw.clusters.length, deletedClusters: raw.deletedClusters.length,
      subnets: raw.subnets?.length ?? 0, kubeClusters: kube.length, nodes: kube.reduce((a, k) => a + k.nodes.length, 0),
      pods: kube.reduce((a, k) => a + k.pods.length, 0), events: kube.reduce((a, k) => a + k.events.length, 0),
    },
    kubernetesRequests: stats.kubernetesRequests,
    gaps: raw.gaps.map((g) => `${g.source}: ${g.reason}`),
  };
  writeFileSync(p.rawFile, serialize(raw));
  send(result);
  process.disconnect();
});
