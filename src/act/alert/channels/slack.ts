import type { GroupKey } from '../../../config/alerts-config.js';
import type { Severity } from '../../../model/severity.js';
import { errorMessage } from '../../../util/errors.js';
import { checkWebhookUrl, redact, type SecretResolver } from '../secrets.js';
import { DeliveryError, type AlertContext, type Channel, type Notification, type SendResult } from '../types.js';
import { buildSlackMessage } from './slack-message.js';

export interface SlackChannelOptions {
  webhook: SecretResolver;
  minSeverity: Severity;
  groupBy: readonly GroupKey[];
  fetch?: typeof fetch;
}

const MAX_RETRY_AFTER_MS = 30_000;

function networkError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? errorMessage(err);
}

/**
 * Slack incoming webhook, one Block Kit message per sweep. The URL is read from SSM or Secrets
 * Manager on each send (cached by the resolver) and is redacted from every error it could reach.
 */
export function slackChannel(opts: SlackChannelOptions): Channel {
  const doFetch = opts.fetch ?? fetch;
  return {
    name: 'slack',
    minSeverity: opts.minSeverity,
    sendsRepeats: true,
    describe: `slack (webhook from ${opts.webhook.describe})`,
    async send(notifications: readonly Notification[], ctx: AlertContext, signal: AbortSignal): Promise<SendResult> {
      let url = '';
      try {
        url = await opts.webhook.get();
        checkWebhookUrl(url);
      } catch (err) {
        throw new DeliveryError(redact(`could not read the Slack webhook from ${opts.webhook.describe}: ${errorMessage(err)}`, [url]), true);
      }
      const body = JSON.stringify(buildSlackMessage(notifications, ctx, opts.groupBy));
      let res: Response;
      try {
        res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal });
      } catch (err) {
        throw new DeliveryError(redact(`Slack webhook request failed: ${networkError(err)}`, [url]), true);
      }
      const answer = redact((await res.text().catch(() => '')).slice(0, 200), [url]);
      if (res.ok) return { undelivered: [] };
      const what = `Slack answered HTTP ${res.status}${answer ? ` ${answer}` : ''}`;
      if (res.status === 429) {
        const after = Number(res.headers.get('retry-after'));
        throw new DeliveryError(what, true, Number.isFinite(after) && after > 0 ? Math.min(after * 1000, MAX_RETRY_AFTER_MS) : undefined);
      }
      if (res.status >= 500) throw new DeliveryError(what, true);
      // A revoked or rotated webhook: read the secret afresh on the next attempt.
      if ([403, 404, 410].includes(res.status)) {
        opts.webhook.invalidate();
        throw new DeliveryError(what, true);
      }
      throw new DeliveryError(what, false);
    },
  };
}
