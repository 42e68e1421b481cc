import { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { clientConfig } from '../../aws/clients.js';

export type SecretSource = { kind: 'ssm'; name: string } | { kind: 'secretsmanager'; id: string };

/** A secret value read on demand; `describe` names where it lives, never what it is. */
export interface SecretResolver {
  readonly describe: string;
  get(): Promise<string>;
  /** The value was rejected (say a revoked webhook): read it afresh next time. */
  invalidate(): void;
}

/** Replaces every secret, and the path of a secret URL, with [redacted]. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    const parts = [s];
    try {
      const u = new URL(s);
      // The path of a Slack webhook is the credential; hosts and ports are not.
      if (u.pathname.length > 8) parts.push(u.pathname, encodeURIComponent(u.pathname));
      if (u.search.length > 1) parts.push(u.search);
    } catch { /* not a URL: the whole value is enough */ }
    for (const p of parts.sort((a, b) => b.length - a.length)) out = out.split(p).join('[redacted]');
  }
  return out;
}

// Providers live at module scope so a warm Lambda container reuses their cache between invocations.
const ssmProviders = new Map<string, SSMProvider>();
const secretsProviders = new Map<string, SecretsProvider>();

const ssmProvider = (region: string) => {
  let p = ssmProviders.get(region);
  if (!p) ssmProviders.set(region, (p = new SSMProvider({ awsSdkV3Client: new SSMClient(clientConfig({ region, maxAttempts: 3, requestTimeoutMs: 5_000 })) })));
  return p;
};
const secretsProvider = (region: string) => {
  let p = secretsProviders.get(region);
  if (!p) secretsProviders.set(region, (p = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(clientConfig({ region, maxAttempts: 3, requestTimeoutMs: 5_000 })) })));
  return p;
};

/** For tests: forget cached providers (and so their cached values). */
export function resetSecretCaches(): void {
  ssmProviders.clear();
  secretsProviders.clear();
}

/** A Secrets Manager secret may hold the URL itself or JSON with a `url` (or `webhookUrl`) key. */
function unwrap(value: string): string {
  const v = value.trim();
  if (!v.startsWith('{')) return v;
  try {
    const o = JSON.parse(v) as Record<string, unknown>;
    for (const k of ['url', 'webhookUrl', 'webhook_url']) if (typeof o[k] === 'string') return (o[k] as string).trim();
  } catch { /* fall through: reported below without the value */ }
  throw new Error('the secret is JSON without a "url" key');
}

/**
 * Reads a secret through Powertools Parameters: SSM SecureString (decrypted) or Secrets Manager,
 * cached in memory for maxAgeSeconds. Errors never carry the value.
 */
export function secretResolver(source: SecretSource, region: string, maxAgeSeconds: number): SecretResolver {
  let forceFetch = false;
  const describe = source.kind === 'ssm' ? `ssm parameter ${source.name}` : `secrets manager secret ${source.id}`;
  return {
    describe,
    invalidate: () => { forceFetch = true; },
    async get(): Promise<string> {
      const opts = { maxAge: maxAgeSeconds, forceFetch };
      const raw = source.kind === 'ssm'
        ? await ssmProvider(region).get(source.name, { ...opts, decrypt: true })
        : await secretsProvider(region).get(source.id, opts);
      forceFetch = false;
      if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`${describe} is empty or not text`);
      return source.kind === 'secretsmanager' ? unwrap(raw) : raw.trim();
    },
  };
}

/** https only, except plain http to this machine (a local receiver in tests). */
export function checkWebhookUrl(value: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error('the webhook secret is not a valid URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new Error(`the webhook URL must use https (got ${u.protocol})`);
  return u;
}
