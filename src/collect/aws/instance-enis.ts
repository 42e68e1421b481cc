import { paginateDescribeNetworkInterfaces, type EC2Client, type NetworkInterface as Ec2NetworkInterface } from '@aws-sdk/client-ec2';
import { EKS_DESCRIPTION_FILTER_VALUES, INSTANCE_ID_TAG } from '../../model/eks-marks.js';

/**
 * The EKS-described ENIs tagged `node.k8s.amazonaws.com/instance_id=<id>`, every status: what one
 * node's termination can leave behind (its trunk, branches and CNI ENIs). Both filters run
 * server-side, so a terminated node costs one small listing instead of the whole region's ENIs.
 * ENIs that predate the instance-id tag are not found here; the scheduled sweep covers them.
 */
export async function listInstanceEnis(ec2: EC2Client, instanceId: string): Promise<Ec2NetworkInterface[]> {
  const out: Ec2NetworkInterface[] = [];
  const pages = paginateDescribeNetworkInterfaces({ client: ec2, pageSize: 1000 }, {
    Filters: [
      { Name: `tag:${INSTANCE_ID_TAG}`, Values: [instanceId] },
      { Name: 'description', Values: EKS_DESCRIPTION_FILTER_VALUES },
    ],
  });
  for await (const page of pages) out.push(...(page.NetworkInterfaces ?? []));
  return out;
}
