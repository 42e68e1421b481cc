import { defineCheck } from './define.js';
import { isIgnored } from './leaked-enis.js';

/** ENIs described like EKS ENIs but without the tags that prove it: reported, never deleted. */
export const eniLookalikes = defineCheck({
  id: 'eni-lookalikes',
  summary: 'ENIs that look like EKS ENIs but whose tags do not prove an EKS owner',
  codes: {
    ENI_LOOKALIKE: {
      severity: 'info',
      title: 'An ENI is described like an EKS ENI but lacks the ownership tags that prove it.',
      why: 'It may be hand-made, left by an old controller version without the eks:eni:owner tag, or requester-managed. The auditor never deletes it, because nothing proves EKS owns it.',
      fix: 'Find its creator (CloudTrail CreateNetworkInterface). Delete it yourself if unused, or tag it `vpc-cni-auditor/ignore=true` to silence this finding.',
    },
  },
  run(inv) {
    return inv.networkInterfaces
      .filter((e) => e.kind === 'lookalike' && !isIgnored(e.tags))
      .map((e) => ({
        code: 'ENI_LOOKALIKE' as const,
        severity: 'info' as const,
        resource: { type: 'network-interface' as const, id: e.id },
        cluster: null,
        region: inv.region,
        reason: `ENI ${e.id} is described "${e.description}" but ${e.requesterManaged ? 'is requester-managed' : 'lacks the EKS ownership tags'}; it is never deleted`,
        details: { description: e.description, status: e.status, vpcId: e.vpcId, subnetId: e.subnetId, requesterManaged: e.requesterManaged, privateIp: e.privateIp },
      }));
  },
});
