import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';

export interface AwsClientOptions {
  region: string;
  /** Attempts per call, retries included. Throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** Per-request timeout: an API that never answers must not hang a sweep. */
  requestTimeoutMs?: number;
}

export interface AwsClients {
  ec2: EC2Client;
  eks: EKSClient;
  /** The cluster role's managed policies (Security Groups for Pods). IAM is global; the SDK picks its endpoint. */
  iam?: IAMClient;
}

const envInt = (name: string, env: NodeJS.ProcessEnv): number | undefined => {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${v}"`);
  return n;
};

/**
 * Credentials come from the SDK's default chain; the endpoint from AWS_ENDPOINT_URL when set.
 * VPC_CNI_AUDITOR_MAX_ATTEMPTS and VPC_CNI_AUDITOR_REQUEST_TIMEOUT_MS tune retries and timeouts.
 */
export function clientConfig(opts: AwsClientOptions, env: NodeJS.ProcessEnv = process.env) {
  return {
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? envInt('VPC_CNI_AUDITOR_MAX_ATTEMPTS', env) ?? 5,
    retryMode: 'adaptive' as const,
    // throwOnRequestTimeout: without it the SDK only warns and a hung endpoint stalls the call.
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? envInt('VPC_CNI_AUDITOR_REQUEST_TIMEOUT_MS', env) ?? 20_000, connectionTimeout: 5_000, throwOnRequestTimeout: true },
  };
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const cfg = clientConfig(opts);
  return { ec2: new EC2Client(cfg), eks: new EKSClient(cfg), iam: new IAMClient(cfg) };
}

export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no AWS region: pass --region or set AWS_REGION');
  return region;
}
