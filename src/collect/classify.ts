import type { NetworkInterface as Ec2NetworkInterface } from '@aws-sdk/client-ec2';
import type { EniKind, NetworkInterface } from '../model/network-interface.js';
import {
  BRANCH_DESCRIPTION, CLUSTER_TAG_PREFIX, CNI_CLUSTER_TAG, CNI_DESCRIPTION_PREFIX, INSTANCE_ID_TAG,
  OWNER_CNI, OWNER_RESOURCE_CONTROLLER, OWNER_TAG, TRUNK_DESCRIPTION, TRUNK_ID_TAG, VLAN_ID_TAG,
} from '../model/eks-marks.js';
import { tagRecord } from '../util/tags.js';

/** The cluster named by `kubernetes.io/cluster/<name>=owned`, or the CNI's cluster tag. */
export function clusterFromEniTags(tags: Readonly<Record<string, string>>): string | null {
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith(CLUSTER_TAG_PREFIX) && value === 'owned' && key.length > CLUSTER_TAG_PREFIX.length) {
      return key.slice(CLUSTER_TAG_PREFIX.length);
    }
  }
  const cni = tags[CNI_CLUSTER_TAG];
  return cni ? cni : null;
}

/**
 * Kind and ownership from description plus tags. Description alone never proves ownership: a
 * hand-made ENI described `aws-k8s-branch-eni` is a look-alike (docs/domain-facts §1, issue #2).
 */
export function classify(description: string, tags: Readonly<Record<string, string>>, requesterManaged: boolean): { kind: EniKind; ownedByEks: boolean } {
  const eksDescribed = description === BRANCH_DESCRIPTION || description === TRUNK_DESCRIPTION || description.startsWith(CNI_DESCRIPTION_PREFIX);
  if (!eksDescribed) return { kind: 'other', ownedByEks: false };
  // Requester-managed ENIs belong to an AWS service, whatever they are described as.
  if (requesterManaged) return { kind: 'lookalike', ownedByEks: false };
  const owner = tags[OWNER_TAG];
  if (description === BRANCH_DESCRIPTION || description === TRUNK_DESCRIPTION) {
    const owned = owner === OWNER_RESOURCE_CONTROLLER;
    return { kind: owned ? (description === BRANCH_DESCRIPTION ? 'branch' : 'trunk') : 'lookalike', ownedByEks: owned };
  }
  if (description.startsWith(CNI_DESCRIPTION_PREFIX)) {
    // The CNI always writes the instance-id tag; the owner tag only when CLUSTER_NAME is set.
    const owned = Boolean(tags[INSTANCE_ID_TAG]) && (owner === undefined || owner === OWNER_CNI);
    return { kind: owned ? 'cni' : 'lookalike', ownedByEks: owned };
  }
  return { kind: 'other', ownedByEks: false };
}

const parseVlan = (v: string | undefined): number | null => {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
};

/** Normalises one DescribeNetworkInterfaces entry. Instance-tag attribution happens later. */
export function normaliseEni(raw: Ec2NetworkInterface): NetworkInterface {
  if (!raw.NetworkInterfaceId) throw new TypeError('network interface without NetworkInterfaceId');
  const tags = tagRecord(raw.TagSet);
  const description = raw.Description ?? '';
  const requesterManaged = raw.RequesterManaged === true;
  const { kind, ownedByEks } = classify(description, tags, requesterManaged);
  const cluster = ownedByEks ? clusterFromEniTags(tags) : null;
  const instanceFromDescription = kind === 'cni' ? description.slice(CNI_DESCRIPTION_PREFIX.length) : '';
  return {
    id: raw.NetworkInterfaceId,
    kind,
    description,
    status: raw.Status ?? 'unknown',
    interfaceType: raw.InterfaceType ?? null,
    vpcId: raw.VpcId ?? null,
    subnetId: raw.SubnetId ?? null,
    availabilityZone: raw.AvailabilityZone ?? null,
    privateIp: raw.PrivateIpAddress ?? null,
    privateIpCount: Math.max(raw.PrivateIpAddresses?.length ?? 0, raw.PrivateIpAddress ? 1 : 0),
    securityGroupIds: (raw.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => Boolean(g)),
    tags,
    attachment: raw.Attachment
      ? { instanceId: raw.Attachment.InstanceId ?? null, status: raw.Attachment.Status ?? null }
      : null,
    requesterManaged,
    ownedByEks,
    cluster,
    clusterSource: cluster ? 'eni-tag' : null,
    instanceId: tags[INSTANCE_ID_TAG] || (/^i-[0-9a-f]+$/.test(instanceFromDescription) ? instanceFromDescription : null),
    trunkId: kind === 'branch' ? tags[TRUNK_ID_TAG] || null : null,
    vlanId: kind === 'branch' ? parseVlan(tags[VLAN_ID_TAG]) : null,
  };
}
