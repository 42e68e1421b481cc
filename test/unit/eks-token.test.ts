import { describe, expect, test } from '@jest/globals';
import { CLUSTER_ID_HEADER, EKS_TOKEN_PREFIX, eksToken } from '../../src/kube/eks-token.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

/** Decodes a token back into the presigned URL, the way aws-iam-authenticator's verifier does. */
const decode = (token: string) => {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  expect(body).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding (Go RawURLEncoding)
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
};

describe('EKS bearer token (aws-iam-authenticator format)', () => {
  test('a presigned STS GetCallerIdentity URL whose signature covers the cluster header', async () => {
    const url = decode(await eksToken({ cluster: 'prod', region: 'eu-west-1', credentials, now: new Date('2026-01-01T12:00:00Z') }));
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toMatch(/^sts(\.[a-z1-9-]+)?\.amazonaws\.com(\.cn)?$/);
    expect(url.hostname).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Date')).toBe('20260101T120000Z');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260101/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Security-Token')).toBe('session-token');
    expect(q.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['host', CLUSTER_ID_HEADER]);
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the signature depends on the cluster name, so a token for one cluster is useless for another', async () => {
    const at = new Date('2026-01-01T12:00:00Z');
    const a = decode(await eksToken({ cluster: 'a', region: 'us-east-1', credentials, now: at })).searchParams.get('X-Amz-Signature');
    const b = decode(await eksToken({ cluster: 'b', region: 'us-east-1', credentials, now: at })).searchParams.get('X-Amz-Signature');
    expect(a).not.toBe(b);
  });

  test('China regions use the .cn STS host; credential providers are accepted', async () => {
    const url = decode(await eksToken({ cluster: 'c', region: 'cn-north-1', credentials: async () => credentials }));
    expect(url.hostname).toBe('sts.cn-north-1.amazonaws.com.cn');
  });
});
