import { DescribeClusterCommand, DescribeNodegroupCommand, type EKSClient } from '@aws-sdk/client-eks';
import { describeError, errorCode } from '../../util/errors.js';

/** A cluster, or one managed node group of it, whose deletion was requested. */
export interface DeletionTarget {
  cluster: string;
  nodegroup?: string;
}

/**
 * `gone`: EKS answered ResourceNotFoundException, the only proof of deletion. `present`: it still
 * exists, with its status (DELETING while the deletion runs). `unknown`: the lookup failed, which
 * is never taken for "gone".
 */
export type DeletionStatus =
  | { state: 'gone' }
  | { state: 'present'; status: string | null }
  | { state: 'unknown'; reason: string };

export const describeTarget = (t: DeletionTarget): string =>
  t.nodegroup ? `node group ${t.nodegroup} of EKS cluster ${t.cluster}` : `EKS cluster ${t.cluster}`;

export async function deletionStatus(eks: EKSClient, target: DeletionTarget): Promise<DeletionStatus> {
  try {
    if (target.nodegroup) {
      // A node group of a deleted cluster answers ResourceNotFoundException too: gone either way.
      const out = await eks.send(new DescribeNodegroupCommand({ clusterName: target.cluster, nodegroupName: target.nodegroup }));
      return { state: 'present', status: out.nodegroup?.status ?? null };
    }
    const out = await eks.send(new DescribeClusterCommand({ name: target.cluster }));
    return { state: 'present', status: out.cluster?.status ?? null };
  } catch (err) {
    if (errorCode(err) === 'ResourceNotFoundException') return { state: 'gone' };
    return { state: 'unknown', reason: describeError(err) };
  }
}
