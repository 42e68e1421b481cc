import type { KubernetesPart } from '../../model/kubernetes.js';

/**
 * Kubernetes objects as the API (and `kubectl get -o json`) returns them. Only the fields the
 * normaliser reads are typed; everything else is kept as-is, so a snapshot holds the real objects
 * and a later check can read a field without changing the collector.
 */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean; [k: string]: unknown }>;
  creationTimestamp?: string;
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [k: string]: unknown;
}

type Quantities = Record<string, string | number>;

export interface RawNode extends KubeObject {
  spec?: { providerID?: string; [k: string]: unknown };
  status?: { allocatable?: Quantities; capacity?: Quantities; [k: string]: unknown };
}

export interface RawContainer {
  name?: string;
  resources?: { requests?: Quantities; limits?: Quantities };
  [k: string]: unknown;
}

export interface RawPod extends KubeObject {
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: RawContainer[]; initContainers?: RawContainer[]; [k: string]: unknown };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }>;
    [k: string]: unknown;
  };
}

export interface RawEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string };
  reportingComponent?: string;
}

export interface RawCniNode extends KubeObject {
  spec?: { features?: Array<{ name?: string; value?: string }>; tags?: Record<string, string>; [k: string]: unknown };
}

export interface RawEniConfig extends KubeObject {
  spec?: { subnet?: string; securityGroups?: string[]; [k: string]: unknown };
}

export interface RawDaemonSet extends KubeObject {
  spec?: { template?: { spec?: { containers?: Array<{ name?: string; env?: Array<{ name?: string; value?: string }>; [k: string]: unknown }>; [k: string]: unknown }; [k: string]: unknown }; [k: string]: unknown };
}

/** SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1): the spec stays untyped, the normaliser checks every field. */
export interface RawSecurityGroupPolicy extends KubeObject {
  spec?: unknown;
}

/** Only the labels are read (serviceAccountSelector). */
export type RawServiceAccount = KubeObject;

/** What one cluster's API answered. `missing` names the parts that could not be read (see the gaps). */
export interface RawKubernetesCluster {
  cluster: string | null;
  access: string;
  nodes: RawNode[];
  pods: RawPod[];
  events: RawEvent[];
  cniNodes: RawCniNode[];
  eniConfigs: RawEniConfig[];
  /** The aws-node DaemonSet (VPC CNI); null when absent or unreadable. */
  awsNode: RawDaemonSet | null;
  missing: KubernetesPart[];
  /** Issue #4. Absent: not collected (older snapshots); the SGP policy checks then skip the cluster. */
  securityGroupPolicies?: RawSecurityGroupPolicy[];
  /** For serviceAccountSelector (labels only). Absent: not collected. */
  serviceAccounts?: RawServiceAccount[];
}
