import type { Subnet as Ec2Subnet } from '@aws-sdk/client-ec2';
import type { InstanceRecord, Inventory } from '../model/inventory.js';
import type { SubnetRecord } from '../model/kubernetes.js';
import type { NetworkInterface } from '../model/network-interface.js';
import { limitsFromEc2 } from '../limits/from-ec2.js';
import type { InstanceLimits } from '../limits/types.js';
import { buildKubernetes } from './kubernetes/build-kubernetes.js';
import type { RawAwsData } from './raw.js';

/** AWS reserves the first four addresses and the last one of every subnet. */
const AWS_RESERVED_IPS = 5;

export function toSubnet(s: Ec2Subnet): SubnetRecord | null {
  if (!s.SubnetId) return null;
  const bits = Number(/\/(\d+)$/.exec(s.CidrBlock ?? '')?.[1]);
  return {
    id: s.SubnetId,
    vpcId: s.VpcId ?? null,
    availabilityZone: s.AvailabilityZone ?? null,
    cidr: s.CidrBlock ?? null,
    availableIps: s.AvailableIpAddressCount ?? 0,
    usableIps: Number.isInteger(bits) && bits <= 32 ? 2 ** (32 - bits) - AWS_RESERVED_IPS : null,
  };
}

/**
 * The capacity side of the inventory (issue #3): subnets and the Kubernetes clusters, joined with
 * what EC2 says about their nodes. Absent raw parts stay absent, so "not collected" is visible.
 */
export function buildCapacityParts(raw: RawAwsData, allEnis: readonly NetworkInterface[], instances: ReadonlyMap<string, InstanceRecord>): Pick<Inventory, 'kubernetes' | 'subnets'> {
  const out: Pick<Inventory, 'kubernetes' | 'subnets'> = {};
  if (raw.subnets) {
    const subnets = new Map<string, SubnetRecord>();
    for (const s of raw.subnets) {
      const rec = toSubnet(s);
      if (rec) subnets.set(rec.id, rec);
    }
    out.subnets = subnets;
  }
  if (raw.kubernetes) {
    const ec2Limits = new Map<string, InstanceLimits>();
    for (const t of raw.instanceTypes ?? []) {
      const l = limitsFromEc2(t);
      if (t.InstanceType && l) ec2Limits.set(t.InstanceType, l);
    }
    const trunkByInstance = new Map<string, string>();
    for (const e of allEnis) if (e.kind === 'trunk' && e.attachment?.instanceId) trunkByInstance.set(e.attachment.instanceId, e.id);
    const scope = raw.scope.clusters ? new Set(raw.scope.clusters) : null;
    out.kubernetes = raw.kubernetes
      .filter((k) => !scope || (k.cluster !== null && scope.has(k.cluster)))
      .map((k) => buildKubernetes(k, { instances, ec2Limits, trunkByInstance }));
  }
  return out;
}
