import type { InstanceLimits } from './types.js';

/**
 * Pod capacity math of the VPC CNI (docs/domain-facts §7). Pure; shared by the checks and `limits`.
 */

/** One /28 prefix per ENI slot with prefix delegation (CNI IPS_PER_PREFIX). */
export const IPS_PER_PREFIX = 16;

/** Max pods exactly as eni-max-pods.txt computes it: default-card ENIs * (IPv4 per ENI - 1) + 2. */
export const eniMaxPods = (l: Pick<InstanceLimits, 'enis' | 'ipv4PerEni'>): number => l.enis * (l.ipv4PerEni - 1) + 2;

export interface CapacityOptions {
  prefixDelegation: boolean;
  customNetworking: boolean;
  /** Security Groups for Pods enabled on the node (ENABLE_POD_ENI): the trunk takes an ENI slot. */
  securityGroupsForPods: boolean;
}

export interface PodCapacity {
  /** Default-card ENI slots left for pod IPs. */
  podEniSlots: number;
  /** One slot went to the trunk ENI. */
  trunkSlot: boolean;
  /** One slot went to the primary ENI, which custom networking does not use for pods. */
  customNetworkingSlot: boolean;
  prefixDelegation: boolean;
  /** Why prefix delegation was asked for but does not apply, else null. */
  prefixDelegationNotApplied: 'bare-metal' | 'not-nitro' | null;
  /** Addresses for pods that take a VPC IP from the node's ENIs (host-network and branch pods not included). */
  podIps: number;
  /** podIps + 2, the way max-pods-calculator.sh counts it (the 2 are host-network pods). No 110/250 cap. */
  maxPods: number;
}

/**
 * The ENI-derived capacity of a node. Only the default network card counts. The trunk takes a slot
 * when Security Groups for Pods is on and the type is not known to be non-trunking (the CNI treats
 * unknown types as trunking-compatible and reserves the slot). Custom networking takes the primary
 * ENI's slot. Prefix delegation multiplies every slot by 16, on Nitro only (bare metal reports no
 * hypervisor, so max-pods-calculator.sh falls back there, and so do we).
 */
export function podCapacity(l: InstanceLimits, o: CapacityOptions): PodCapacity {
  const trunkSlot = o.securityGroupsForPods && l.trunking !== false;
  const customNetworkingSlot = o.customNetworking;
  const podEniSlots = Math.max(0, l.enis - (trunkSlot ? 1 : 0) - (customNetworkingSlot ? 1 : 0));
  const prefixDelegationNotApplied = !o.prefixDelegation ? null : l.bareMetal ? 'bare-metal' : l.hypervisor !== 'nitro' ? 'not-nitro' : null;
  const prefixDelegation = o.prefixDelegation && prefixDelegationNotApplied === null;
  const podIps = podEniSlots * Math.max(0, l.ipv4PerEni - 1) * (prefixDelegation ? IPS_PER_PREFIX : 1);
  return { podEniSlots, trunkSlot, customNetworkingSlot, prefixDelegation, prefixDelegationNotApplied, podIps, maxPods: podIps + 2 };
}

/** Branch ENIs a node of this type can hold: 0 when it cannot trunk, null when the table does not know. */
export const branchLimit = (l: InstanceLimits): number | null => (l.trunking === false ? 0 : l.branchInterfaces);
