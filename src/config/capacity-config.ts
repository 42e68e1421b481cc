import { z } from 'zod';

const percent = z.number().min(0).max(100);

/**
 * Thresholds of the capacity checks (issue #3). Node percentages compare used against capacity;
 * a subnet is judged by free addresses, absolute and as a share of its usable addresses, and
 * either one crossing its threshold raises the finding (small subnets run out by count, large
 * ones by share).
 */
export const CapacityConfigSchema = z.strictObject({
  nodeIpWarningPercent: percent.default(80),
  nodeIpCriticalPercent: percent.default(95),
  branchEniWarningPercent: percent.default(80),
  branchEniCriticalPercent: percent.default(95),
  /** Warning below this many free IPs: about one fully loaded large ENI (50) plus headroom. */
  subnetWarningFreeIps: z.number().int().min(0).default(64),
  subnetWarningFreePercent: percent.default(15),
  /** Critical below this many: not even one /28 prefix (prefix delegation) can be carved. */
  subnetCriticalFreeIps: z.number().int().min(0).default(16),
  subnetCriticalFreePercent: percent.default(5),
  /** Pods pending on branch ENIs for longer than this are critical rather than warning. */
  pendingCriticalSeconds: z.number().int().min(0).default(10 * 60),
}).refine((c) => c.nodeIpWarningPercent <= c.nodeIpCriticalPercent && c.branchEniWarningPercent <= c.branchEniCriticalPercent, {
  message: 'warning percentages must not exceed critical ones',
}).refine((c) => c.subnetCriticalFreeIps <= c.subnetWarningFreeIps && c.subnetCriticalFreePercent <= c.subnetWarningFreePercent, {
  message: 'subnet critical thresholds must not exceed warning ones',
});

export type CapacityConfig = z.infer<typeof CapacityConfigSchema>;
