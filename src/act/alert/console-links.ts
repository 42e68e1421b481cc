import type { ResourceRef } from '../../model/finding.js';

/** The console host of a region's partition (commercial, China, GovCloud). */
function consoleBase(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

const partitionOf = (region: string): string => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** A link to the resource in the AWS console, or null when it has no page of its own. */
export function consoleUrl(resource: ResourceRef, region: string, cluster: string | null): string | null {
  const base = consoleBase(region);
  const id = encodeURIComponent(resource.id);
  const r = encodeURIComponent(region);
  switch (resource.type) {
    case 'network-interface': return `${base}/ec2/home?region=${r}#NetworkInterface:networkInterfaceId=${id}`;
    case 'security-group': return `${base}/ec2/home?region=${r}#SecurityGroup:groupId=${id}`;
    case 'subnet': return `${base}/vpcconsole/home?region=${r}#SubnetDetails:subnetId=${id}`;
    case 'cluster': return `${base}/eks/home?region=${r}#/clusters/${id}`;
    case 'node':
      // EKS node names are usually instance ids or private DNS names; link the instance when it is one.
      return /^i-[0-9a-f]+$/.test(resource.id) ? `${base}/ec2/home?region=${r}#InstanceDetails:instanceId=${id}` : cluster ? `${base}/eks/home?region=${r}#/clusters/${encodeURIComponent(cluster)}?selectedTab=cluster-compute-tab` : null;
    default:
      return cluster ? `${base}/eks/home?region=${r}#/clusters/${encodeURIComponent(cluster)}` : null;
  }
}

/** The resource's ARN when the auditor can build one (EventBridge `resources`). */
export function resourceArn(resource: ResourceRef, region: string, account: string): string | null {
  if (!/^\d{12}$/.test(account)) return null;
  const p = partitionOf(region);
  switch (resource.type) {
    case 'network-interface': return `arn:${p}:ec2:${region}:${account}:network-interface/${resource.id}`;
    case 'security-group': return `arn:${p}:ec2:${region}:${account}:security-group/${resource.id}`;
    case 'subnet': return `arn:${p}:ec2:${region}:${account}:subnet/${resource.id}`;
    case 'cluster': return `arn:${p}:eks:${region}:${account}:cluster/${resource.id}`;
    case 'node': return /^i-[0-9a-f]+$/.test(resource.id) ? `arn:${p}:ec2:${region}:${account}:instance/${resource.id}` : null;
    default: return null;
  }
}
