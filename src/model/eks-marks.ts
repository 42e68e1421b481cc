/**
 * Descriptions and tags EKS writes on the ENIs it creates. Sources: docs/domain-facts.md §1 and §2e
 * (VPC resource controller pkg/config/type.go, pkg/aws/ec2/api/helper.go; VPC CNI pkg/awsutils).
 */
export const BRANCH_DESCRIPTION = 'aws-k8s-branch-eni';
export const TRUNK_DESCRIPTION = 'aws-k8s-trunk-eni';
/** Case-sensitive: the CNI writes `aws-K8S-<instance-id>`, the resource controller `aws-k8s-…`. */
export const CNI_DESCRIPTION_PREFIX = 'aws-K8S-';

export const OWNER_TAG = 'eks:eni:owner';
export const OWNER_RESOURCE_CONTROLLER = 'eks-vpc-resource-controller';
export const OWNER_CNI = 'amazon-vpc-cni';

/** `kubernetes.io/cluster/<name>` = `owned`, written by the resource controller. */
export const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
/** Written by the CNI when CLUSTER_NAME is set. */
export const CNI_CLUSTER_TAG = 'cluster.k8s.amazonaws.com/name';
export const INSTANCE_ID_TAG = 'node.k8s.amazonaws.com/instance_id';
export const CNI_CREATED_AT_TAG = 'node.k8s.amazonaws.com/createdAt';
export const CNI_NO_MANAGE_TAG = 'node.k8s.amazonaws.com/no_manage';
export const TRUNK_ID_TAG = 'vpcresources.k8s.aws/trunk-eni-id';
export const VLAN_ID_TAG = 'vpcresources.k8s.aws/vlan-id';

/** Instance tags that name the cluster of a node (managed node groups, eksctl, Karpenter). */
export const INSTANCE_CLUSTER_TAGS = ['aws:eks:cluster-name', 'eks:cluster-name'] as const;

/** The auditor's own opt-out: an ENI carrying it is never deleted and never a leak candidate. */
export const IGNORE_TAG = 'vpc-cni-auditor/ignore';

/** Every ENI description the collector asks EC2 for, as server-side filter values. */
export const EKS_DESCRIPTION_FILTER_VALUES = [BRANCH_DESCRIPTION, TRUNK_DESCRIPTION, `${CNI_DESCRIPTION_PREFIX}*`];
