/**
 * Kubernetes names the auditor reads: labels, annotations, resources, CRDs. Sources:
 * docs/domain-facts §5 (VPC resource controller, VPC CNI, EKS docs).
 */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
/** Deprecated since Kubernetes 1.17, still written by old kubelets. */
export const LEGACY_INSTANCE_TYPE_LABEL = 'beta.kubernetes.io/instance-type';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** `fargate`, `auto` (EKS Auto Mode), `hybrid`; absent on EC2 nodes. */
export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
/** Legacy SGP signal (CNI < 1.15): the resource controller still reads it. */
export const HAS_TRUNK_LABEL = 'vpc.amazonaws.com/has-trunk-attached';

/** Extended resource: node capacity = branch ENIs; pod request = needs a branch ENI. */
export const POD_ENI_RESOURCE = 'vpc.amazonaws.com/pod-eni';
/** What the scheduler says when no node has a free branch ENI. */
export const INSUFFICIENT_POD_ENI = `Insufficient ${POD_ENI_RESOURCE}`;

/** ENIConfig name resolution (CNI pkg/eniconfig GetNodeSpecificENIConfigName), in order. */
export const EXTERNAL_ENI_CONFIG_LABEL = 'vpc.amazonaws.com/externalEniConfig';
export const DEFAULT_ENI_CONFIG_ANNOTATION = 'k8s.amazonaws.com/eniConfig';
export const DEFAULT_ENI_CONFIG_LABEL = 'k8s.amazonaws.com/eniConfig';
/** The resource controller's own custom-networking label. */
export const RC_ENI_CONFIG_LABEL = 'vpc.amazonaws.com/eniConfig';
export const DEFAULT_ENI_CONFIG_NAME = 'default';

export const CNINODE_FEATURE_SGP = 'SecurityGroupsForPods';
export const CNINODE_FEATURE_CUSTOM_NETWORKING = 'CustomNetworking';

/** Cluster-scoped CRDs the auditor lists. */
export const CNINODE_CRD = { group: 'vpcresources.k8s.aws', version: 'v1alpha1', plural: 'cninodes' } as const;
export const ENICONFIG_CRD = { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', plural: 'eniconfigs' } as const;

/** The VPC CNI DaemonSet and the container whose environment holds its settings. */
export const AWS_NODE = { namespace: 'kube-system', name: 'aws-node', container: 'aws-node' } as const;

/** Security Groups for Pods (issue #4), docs/domain-facts §4–6. */
export const SGP_CRD = { group: 'vpcresources.k8s.aws', version: 'v1beta1', plural: 'securitygrouppolicies' } as const;
/** Pod annotation the resource controller writes: a JSON list of the pod's branch ENIs. */
export const POD_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';
/** CoreDNS pods (EKS add-on) carry this label, like kube-dns did. */
export const KUBE_DNS_LABEL = { key: 'k8s-app', value: 'kube-dns' } as const;
/** aws-node variable: `strict` (default, also for any invalid value) or `standard`. */
export const POD_SG_ENFORCING_MODE_ENV = 'POD_SECURITY_GROUP_ENFORCING_MODE';
/** Event reasons the SGP checks read: the resource controller's (pods and nodes) and kubelet's sandbox failure. */
export const SGP_EVENT_REASONS = {
  branchAllocationFailed: 'BranchAllocationFailed',
  trunkCreationFailed: 'TrunkENICreationFailed',
  sandboxFailed: 'FailedCreatePodSandBox',
} as const;
/** The managed policy the cluster role needs for trunk and branch ENIs. */
export const VPC_RESOURCE_CONTROLLER_POLICY = 'AmazonEKSVPCResourceController';
