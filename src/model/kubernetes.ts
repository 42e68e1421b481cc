import type { InstanceLimits, LimitsSource } from '../limits/types.js';
import type { KubeSgpPart, PodSgpFields } from './sgp.js';

/**
 * The Kubernetes side of one EKS cluster, normalised to what the checks read. Built from the API
 * objects (collect/kubernetes/build-kubernetes.ts); each record keeps only fields a check uses, so
 * adding a check means adding a field to one normaliser (issue #4 adds SGP objects, pod annotations).
 */

/** Parts of a cluster that may be missing without dropping the cluster (their checks degrade). */
export type KubernetesPart = 'events' | 'cninodes' | 'eniconfigs' | 'aws-node' | 'sgps' | 'serviceaccounts';

/** VPC CNI settings read from the aws-node DaemonSet's environment (null: not readable). */
export interface AwsNodeSettings {
  prefixDelegation: boolean;
  /** ENABLE_POD_ENI: Security Groups for Pods. */
  podEni: boolean;
  /** AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG. */
  customNetworking: boolean;
  /** ENI_CONFIG_LABEL_DEF / ENI_CONFIG_ANNOTATION_DEF: which node label or annotation names the ENIConfig. */
  eniConfigLabel: string;
  eniConfigAnnotation: string;
  /** MAX_ENI, when set: the CNI uses no more ENIs than this. */
  maxEni: number | null;
  /** POD_SECURITY_GROUP_ENFORCING_MODE: `strict` unless set to `standard` (issue #4). */
  podSgEnforcingMode: 'strict' | 'standard';
}

export interface KubeNode {
  name: string;
  /** EC2 instance id from spec.providerID (aws:///<zone>/<id>). */
  instanceId: string | null;
  instanceType: string | null;
  /** The node label, or the EC2 instance when the label is missing. */
  instanceTypeSource: 'label' | 'ec2' | null;
  zone: string | null;
  /** The instance's primary subnet (EC2), where the CNI puts pod IPs unless custom networking is on. */
  subnetId: string | null;
  /** status.allocatable.pods: kubelet's maxPods. */
  allocatablePods: number | null;
  /** status.allocatable["vpc.amazonaws.com/pod-eni"]: advertised by the resource controller after trunk init. */
  podEniAllocatable: number | null;
  /** Node label eks.amazonaws.com/compute-type (fargate, auto, …), if any. */
  computeType: string | null;
  limits: InstanceLimits | null;
  limitsSource: LimitsSource;
  /** Security Groups for Pods is on for this node, and what says so. */
  securityGroupsForPods: { enabled: boolean; signals: string[] };
  /** A trunk ENI attached to the node's instance (EC2), or null. */
  trunkEniId: string | null;
  /** Custom networking: the ENIConfig the node uses, and what names it. null: not on. */
  customNetworking: { eniConfig: string; source: 'cninode' | 'label' | 'annotation' | 'default' } | null;
  /** Prefix delegation per aws-node; null when aws-node could not be read. */
  prefixDelegation: boolean | null;
  /** MAX_ENI from aws-node, if set. */
  maxEni: number | null;
}

export interface WorkloadRef {
  kind: string;
  name: string;
}

export interface KubePod {
  namespace: string;
  name: string;
  nodeName: string | null;
  phase: string;
  hostNetwork: boolean;
  /** Sum of vpc.amazonaws.com/pod-eni requests (the SGP webhook injects 1 into containers[0]). */
  podEniRequest: number;
  /** The owning workload (Deployment from a ReplicaSet's pod-template-hash), or the pod itself. */
  workload: WorkloadRef;
  createdAt: string | null;
  /** The scheduler's latest failure: PodScheduled=False (Unschedulable), else the newest FailedScheduling event. */
  schedulingFailure: { message: string; at: string | null; source: 'condition' | 'event' } | null;
  /** Labels, service account, branch ENIs, probes, running state (issue #4). */
  sgp: PodSgpFields;
}

export interface KubeEvent {
  namespace: string;
  involvedObject: { kind: string; name: string; namespace: string | null };
  type: string;
  reason: string;
  message: string;
  count: number;
  /** Newest of series.lastObservedTime, lastTimestamp, eventTime, firstTimestamp. */
  lastSeen: string | null;
  /** firstTimestamp, else eventTime: when this (aggregated) event was first seen. */
  firstSeen: string | null;
  component: string | null;
}

export interface CniNodeRecord {
  name: string;
  features: Array<{ name: string; value: string | null }>;
}

export interface EniConfigRecord {
  name: string;
  subnet: string | null;
  securityGroups: string[];
}

export interface KubernetesCluster {
  /** The EKS cluster name, when known. */
  cluster: string | null;
  /** How the API was reached, for reports: `eks`, `kubeconfig <context>`, `snapshot`. */
  access: string;
  nodes: KubeNode[];
  pods: KubePod[];
  events: KubeEvent[];
  cniNodes: ReadonlyMap<string, CniNodeRecord>;
  eniConfigs: ReadonlyMap<string, EniConfigRecord>;
  awsNode: AwsNodeSettings | null;
  /** Parts that could not be read; the matching gap explains why. */
  missing: KubernetesPart[];
  /** SecurityGroupPolicies, service-account labels, skipped objects (issue #4). */
  sgp: KubeSgpPart;
}

export interface SubnetRecord {
  id: string;
  vpcId: string | null;
  availabilityZone: string | null;
  cidr: string | null;
  availableIps: number;
  /** Usable addresses: CIDR size minus the 5 AWS reserves. null when the CIDR is unknown. */
  usableIps: number | null;
}
