import { Sha256 } from '@aws-crypto/sha256-js';
import { formatUrl } from '@aws-sdk/util-format-url';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * An EKS bearer token in the aws-iam-authenticator format (kubernetes-sigs/aws-iam-authenticator
 * pkg/token/token.go): a presigned STS GetCallerIdentity URL whose signature covers the header
 * `x-k8s-aws-id: <cluster>`, base64url without padding, prefixed `k8s-aws-v1.`. EKS calls STS with
 * it to learn who we are; no IAM permission is needed to create one. STS ignores X-Amz-Expires=60:
 * the token is valid 15 minutes from X-Amz-Date, so build one per collection, never cache it.
 */
/** What SignatureV4 accepts: static credentials or a provider. */
export type SignerCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

export interface EksTokenOptions {
  cluster: string;
  region: string;
  /** Static credentials or a provider (e.g. fromNodeProviderChain()). */
  credentials: SignerCredentials;
  /** For tests: a fixed signing time. */
  now?: Date;
}

/** Regional STS endpoint (aws-iam-authenticator uses the regional one; EKS accepts it in every partition). */
export function stsHost(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `sts.${region}.${suffix}`;
}

export async function eksToken(opts: EksTokenOptions): Promise<string> {
  const host = stsHost(opts.region);
  const signer = new SignatureV4({ credentials: opts.credentials, region: opts.region, service: 'sts', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: host,
    path: '/',
    headers: { host, [CLUSTER_ID_HEADER]: opts.cluster },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  });
  const presigned = await signer.presign(request, { expiresIn: 60, ...(opts.now ? { signingDate: opts.now } : {}) });
  return EKS_TOKEN_PREFIX + Buffer.from(formatUrl(presigned)).toString('base64url');
}
