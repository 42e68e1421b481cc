import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from './clients.js';

const cache = new Map<string, Promise<string>>();

/**
 * The account id alerts are labelled with (STS GetCallerIdentity, once per process and region).
 * `unknown` when STS cannot answer: a label is not worth failing a sweep for.
 */
export function accountId(region: string): Promise<string> {
  let p = cache.get(region);
  if (!p) {
    const sts = new STSClient(clientConfig({ region, maxAttempts: 2, requestTimeoutMs: 5_000 }));
    p = sts.send(new GetCallerIdentityCommand({})).then((r) => r.Account ?? 'unknown', () => {
      cache.delete(region);
      return 'unknown';
    });
    cache.set(region, p);
  }
  return p;
}
