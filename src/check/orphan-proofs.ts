import type { Inventory } from '../model/inventory.js';
import type { NetworkInterface } from '../model/network-interface.js';

/** Why an ENI is proven orphaned (issue #2). Never inferred from a failed lookup: see CollectionGap. */
export type OrphanProofCode = 'CLUSTER_DELETED' | 'INSTANCE_GONE' | 'TRUNK_GONE';

export interface OrphanProof {
  proof: OrphanProofCode;
  evidence: string;
}

export function orphanProofs(eni: NetworkInterface, inv: Inventory): OrphanProof[] {
  const proofs: OrphanProof[] = [];
  if (eni.cluster && inv.deletedClusters.has(eni.cluster)) {
    proofs.push({ proof: 'CLUSTER_DELETED', evidence: `EKS cluster ${eni.cluster} no longer exists` });
  }
  if (eni.instanceId && inv.instanceIdsLookedUp.has(eni.instanceId)) {
    const inst = inv.instances.get(eni.instanceId);
    if (!inst) proofs.push({ proof: 'INSTANCE_GONE', evidence: `instance ${eni.instanceId} does not exist` });
    else if (inst.state === 'terminated') proofs.push({ proof: 'INSTANCE_GONE', evidence: `instance ${eni.instanceId} is terminated` });
  }
  if (eni.kind === 'branch' && eni.trunkId && inv.eniIdsNotFound.has(eni.trunkId)) {
    proofs.push({ proof: 'TRUNK_GONE', evidence: `trunk ENI ${eni.trunkId} does not exist` });
  }
  return proofs;
}

/** Available, unattached, EKS-owned and at least one proof: the only ENIs that can ever be deleted. */
export const isLeakCandidate = (eni: NetworkInterface): boolean =>
  eni.ownedByEks && !eni.requesterManaged && eni.status === 'available' && eni.attachment === null;
