import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from './types.js';

/**
 * Limits of a type the shipped table lacks, from EC2 DescribeInstanceTypes (what
 * max-pods-calculator.sh reads). The resource controller's branch limit is not in EC2's answer,
 * so trunking and branch ENIs stay unknown.
 */
export function limitsFromEc2(info: InstanceTypeInfo): InstanceLimits | null {
  const net = info.NetworkInfo;
  const ipv4 = net?.Ipv4AddressesPerInterface;
  if (!net || ipv4 === undefined) return null;
  const cards = net.NetworkCards ?? [];
  const defaultIndex = net.DefaultNetworkCardIndex ?? 0;
  const enis = cards.find((c) => c.NetworkCardIndex === defaultIndex)?.MaximumNetworkInterfaces ?? net.MaximumNetworkInterfaces;
  if (enis === undefined) return null;
  return {
    enis,
    totalEnis: net.MaximumNetworkInterfaces ?? enis,
    ipv4PerEni: ipv4,
    networkCards: Math.max(1, cards.length),
    hypervisor: info.Hypervisor === 'nitro' || info.Hypervisor === 'xen' ? info.Hypervisor : 'unknown',
    bareMetal: info.BareMetal === true,
    trunking: null,
    branchInterfaces: null,
  };
}
