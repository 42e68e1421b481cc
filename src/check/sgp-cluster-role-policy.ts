import type { Finding } from '../model/finding.js';
import { VPC_RESOURCE_CONTROLLER_POLICY } from '../model/kube-marks.js';
import { defineCheck } from './define.js';
import { sgpAnalyses } from './sgp/analysis.js';
import { rolePolicyMissing, sgpInUse } from './sgp/explain.js';

/** The cluster role must carry AmazonEKSVPCResourceController for trunk and branch ENIs (issue #4). */
export const sgpClusterRolePolicy = defineCheck({
  id: 'sgp-cluster-role-policy',
  summary: "Clusters using Security Groups for Pods whose IAM role lacks the AmazonEKSVPCResourceController managed policy",
  codes: {
    SGP_CLUSTER_ROLE_POLICY_MISSING: {
      severity: 'critical',
      title: "The cluster's IAM role lacks AmazonEKSVPCResourceController, so no trunk or branch ENI can be created.",
      why: "The VPC resource controller runs in the EKS control plane with the cluster's IAM role. Without the AmazonEKSVPCResourceController managed policy it cannot create trunk ENIs (node events `TrunkENICreationFailed` … UnauthorizedOperation, \"Please verify the cluster IAM role has AmazonEKSVPCResourceController policy\") nor branch ENIs: every pod a SecurityGroupPolicy selects stays Pending or ContainerCreating. Judged from IAM ListAttachedRolePolicies where the auditor may call it; when that is denied (a gap, never a finding on its own), from the trunk events. Only reported for clusters where Security Groups for Pods is in use (policies, ENABLE_POD_ENI, or a node advertising branch ENIs). An inline policy granting the same actions is not recognised.",
      fix: 'Attach the managed policy: `aws iam attach-role-policy --role-name <cluster role> --policy-arn arn:aws:iam::aws:policy/AmazonEKSVPCResourceController`. Nodes without a trunk get one on the controller\'s next attempt; recycle nodes that stay without.',
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      if (!a.k.cluster) continue;
      if (!sgpInUse(a) || rolePolicyMissing(a) !== true) continue;
      const role = inv.sgp?.clusterRolePolicies.get(a.k.cluster);
      const events = a.trunkUnauthorized;
      const nodes = [...new Set(events.map((e) => e.involvedObject.name))].sort();
      findings.push({
        code: 'SGP_CLUSTER_ROLE_POLICY_MISSING',
        severity: 'critical',
        resource: { type: 'cluster', id: a.k.cluster },
        cluster: a.k.cluster,
        region: inv.region,
        reason: role
          ? `Cluster role ${role.roleArn} of ${a.k.cluster} does not have ${VPC_RESOURCE_CONTROLLER_POLICY} attached, but Security Groups for Pods is in use${nodes.length ? `; ${nodes.length} node${nodes.length === 1 ? '' : 's'} failed to create a trunk ENI (UnauthorizedOperation)` : ''}`
          : `${nodes.length} node${nodes.length === 1 ? '' : 's'} of ${a.k.cluster} failed to create a trunk ENI with UnauthorizedOperation: the cluster role lacks ${VPC_RESOURCE_CONTROLLER_POLICY} (IAM could not be read to confirm)`,
        details: {
          roleArn: role?.roleArn ?? a.cluster?.roleArn ?? null,
          attachedPolicies: role?.policyArns ?? null,
          evidence: [...(role ? ['iam:ListAttachedRolePolicies'] : []), ...(events.length ? ['TrunkENICreationFailed events'] : [])],
          nodesWithTrunkFailures: nodes,
          latestEvent: events.map((e) => ({ node: e.involvedObject.name, message: e.message, lastSeen: e.lastSeen })).sort((x, y) => (y.lastSeen ?? '').localeCompare(x.lastSeen ?? ''))[0] ?? null,
        },
      });
    }
    return findings;
  },
});
