import { z } from 'zod';

/** Thresholds of the Security Groups for Pods checks (issue #4). */
export const SgpConfigSchema = z.strictObject({
  /**
   * EC2 quota "security groups per network interface": 5 by default, raisable to 16 (the product
   * of this and rules per group is capped at 1000). Set it to your account's value.
   */
  securityGroupsPerEni: z.number().int().min(1).max(16).default(5),
  /**
   * PODS_NO_IP: a sandbox that has failed with "failed to assign an IP address" for longer than
   * this. The EKS docs call a short failure while an ENI is being attached normal.
   */
  noIpStuckSeconds: z.number().int().min(0).default(5 * 60),
  /** POD_STUCK_INVALID_SG, SGP_NODE_NOT_TRUNK_CAPABLE: most pods named per finding (counts are always complete). */
  maxListedPods: z.number().int().min(1).max(1000).default(20),
});

export type SgpConfig = z.infer<typeof SgpConfigSchema>;
