import type { Finding } from '../model/finding.js';
import type { EniKind } from '../model/network-interface.js';
import { IGNORE_TAG } from '../model/eks-marks.js';
import { defineCheck } from './define.js';
import { isLeakCandidate, orphanProofs } from './orphan-proofs.js';

const CODE_BY_KIND = { branch: 'LEAKED_BRANCH_ENI', trunk: 'LEAKED_TRUNK_ENI', cni: 'LEAKED_CNI_ENI' } as const;
const KIND_LABEL: Record<Exclude<EniKind, 'lookalike' | 'other'>, string> = { branch: 'Branch ENI', trunk: 'Trunk ENI', cni: 'VPC CNI ENI' };

export const isIgnored = (tags: Readonly<Record<string, string>>): boolean => tags[IGNORE_TAG]?.toLowerCase() === 'true';

/** Leaked branch, trunk and CNI ENIs: available, owned by EKS, and proven orphaned (domain-facts §1–2). */
export const leakedEnis = defineCheck({
  id: 'leaked-enis',
  summary: 'Available EKS-owned ENIs whose cluster, instance or trunk is proven gone',
  codes: {
    LEAKED_BRANCH_ENI: {
      severity: 'warning',
      title: 'A Security Groups for Pods branch ENI is available and its owner is proven gone.',
      why: 'Branch ENIs are never attached, so DeleteOnTermination does not apply: once the node, trunk or cluster is gone nothing deletes them. Each holds a subnet IP and blocks deleting its security groups, subnet and VPC (DependencyViolation). Critical when the owning cluster is deleted: no controller will ever clean it.',
      fix: 'Run `vpc-cni-auditor cleanup --execute` (deletes after the grace period, re-checking each ENI), or `aws ec2 delete-network-interface --network-interface-id <id>`. Tag the ENI `vpc-cni-auditor/ignore=true` to keep it.',
    },
    LEAKED_TRUNK_ENI: {
      severity: 'warning',
      title: 'A trunk ENI is available (detached) and its instance or cluster is proven gone.',
      why: 'Trunks normally die with their instance (DeleteOnTermination). A detached trunk whose node is gone holds an IP and blocks security group, subnet and VPC deletion.',
      fix: 'Run `vpc-cni-auditor cleanup --execute`, or delete the ENI by hand after checking it is not attached.',
    },
    LEAKED_CNI_ENI: {
      severity: 'warning',
      title: 'A VPC CNI ENI (aws-K8S-…) is available and its instance or cluster is proven gone.',
      why: 'The CNI leaks ENIs that were created but not attached, or detached but not deleted, when a node dies (CNI #608, #1223). ipamd cleans them only while nodes of that cluster still run.',
      fix: 'Run `vpc-cni-auditor cleanup --execute`, or delete the ENI by hand. Set CLUSTER_NAME on aws-node so CNI ENIs carry the cluster tag and can be scoped.',
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const eni of inv.networkInterfaces) {
      if (eni.kind === 'lookalike' || eni.kind === 'other' || !isLeakCandidate(eni)) continue;
      const proofs = orphanProofs(eni, inv);
      if (proofs.length === 0) continue;
      const ignored = isIgnored(eni.tags);
      const clusterDeleted = proofs.some((p) => p.proof === 'CLUSTER_DELETED');
      findings.push({
        code: CODE_BY_KIND[eni.kind],
        severity: ignored ? 'info' : clusterDeleted ? 'critical' : 'warning',
        resource: { type: 'network-interface', id: eni.id },
        cluster: eni.cluster,
        region: inv.region,
        reason: `${KIND_LABEL[eni.kind]} ${eni.id} is available and orphaned: ${proofs.map((p) => p.evidence).join('; ')}${ignored ? ` (tagged ${IGNORE_TAG}=true: never deleted)` : ''}`,
        details: {
          eniKind: eni.kind,
          vpcId: eni.vpcId,
          subnetId: eni.subnetId,
          availabilityZone: eni.availabilityZone,
          securityGroupIds: eni.securityGroupIds,
          privateIp: eni.privateIp,
          privateIpCount: eni.privateIpCount,
          instanceId: eni.instanceId,
          trunkId: eni.trunkId,
          clusterSource: eni.clusterSource,
          proofs,
          ignored,
          // Filled in by the sighting tracker (state/), which knows earlier sweeps.
          firstSeenOrphanedAt: null,
          orphanedForSeconds: null,
        },
      });
    }
    return findings;
  },
});
