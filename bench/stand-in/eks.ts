import type { Estate, SynthCluster } from '../estate/types.js';
import { roleArnOf } from '../estate/network.js';
import type { Answer } from './ec2.js';

const JSON_TYPE = 'application/json';

/**
 * EKS REST: ListClusters (maxResults up to 100, nextToken) and DescribeCluster, whose
 * ResourceNotFoundException proves a cluster deleted. `kubeEndpoint` names each cluster's API.
 */
export class EksService {
  private readonly live: Map<string, SynthCluster>;

  constructor(private readonly estate: Estate, private readonly kubeEndpoint: (cluster: string) => string, private readonly caData: string) {
    this.live = new Map(estate.clusters.map((c) => [c.name, c]));
  }

  handle(method: string, url: URL): Answer | null {
    if (method !== 'GET') return null;
    if (url.pathname === '/clusters') return this.list(url);
    const m = /^\/clusters\/([^/]+)$/.exec(url.pathname);
    return m ? this.describe(decodeURIComponent(m[1]!)) : null;
  }

  private list(url: URL): Answer {
    const op = 'eks:ListClusters';
    const max = Number(url.searchParams.get('maxResults') ?? '100');
    if (!Number.isInteger(max) || max < 1 || max > 100) return error(400, 'InvalidParameterException', 'maxResults must be between 1 and 100', op);
    const start = Number(url.searchParams.get('nextToken') ?? '0');
    const names = this.estate.listedClusters.slice(start, start + max);
    const next = start + max < this.estate.listedClusters.length ? String(start + max) : undefined;
    return { status: 200, body: JSON.stringify({ clusters: names, ...(next ? { nextToken: next } : {}) }), contentType: JSON_TYPE, op, items: names.length };
  }

  private describe(name: string): Answer {
    const op = 'eks:DescribeCluster';
    if (!this.estate.listedClusters.includes(name)) return error(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`, op);
    const c = this.live.get(name);
    const cluster = {
      name,
      arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
      createdAt: 1767225600,
      version: '1.33',
      endpoint: this.kubeEndpoint(name),
      roleArn: c?.roleArn ?? roleArnOf(name),
      resourcesVpcConfig: {
        subnetIds: c?.subnetIds ?? [], securityGroupIds: c ? [c.securityGroupId] : [], clusterSecurityGroupId: c?.clusterSecurityGroupId ?? null,
        vpcId: c?.vpcId ?? 'vpc-0ffffffffffffffff', endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
      status: 'ACTIVE',
      certificateAuthority: { data: this.caData },
      platformVersion: 'eks.5',
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      tags: {},
    };
    return { status: 200, body: JSON.stringify({ cluster }), contentType: JSON_TYPE, op, items: 1 };
  }
}

function error(status: number, type: string, message: string, op: string): Answer {
  return { status, body: JSON.stringify({ message }), contentType: JSON_TYPE, op, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.eks/` } };
}
