import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../../aws/clients.js';
import type { AlertsConfig } from '../../config/alerts-config.js';
import type { AuditLogger } from '../../util/logger.js';
import { eventBridgeChannel } from './channels/eventbridge.js';
import { logChannel } from './channels/log.js';
import { slackChannel } from './channels/slack.js';
import { snsChannel } from './channels/sns.js';
import { secretResolver } from './secrets.js';
import type { Channel } from './types.js';

export interface ChannelDeps {
  region: string;
  logger: AuditLogger;
  sns?: SNSClient;
  eventBridge?: EventBridgeClient;
  fetch?: typeof fetch;
}

/** The configured channels, log first. Clients retry once themselves; the dispatcher does the rest. */
export function buildChannels(cfg: AlertsConfig, deps: ChannelDeps): Channel[] {
  const sdk = () => clientConfig({ region: deps.region, maxAttempts: 2, requestTimeoutMs: cfg.delivery.timeoutMs });
  const c = cfg.channels;
  const out: Channel[] = [logChannel(deps.logger, c.log.minSeverity)];
  if (c.sns) out.push(snsChannel(deps.sns ?? new SNSClient(sdk()), c.sns.topicArn, c.sns.minSeverity));
  if (c.slack) {
    const source = c.slack.webhookParameter !== undefined ? { kind: 'ssm' as const, name: c.slack.webhookParameter } : { kind: 'secretsmanager' as const, id: c.slack.webhookSecretArn! };
    out.push(slackChannel({
      webhook: secretResolver(source, deps.region, cfg.secretsMaxAgeSeconds),
      minSeverity: c.slack.minSeverity,
      groupBy: cfg.groupBy,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }));
  }
  if (c.eventbridge) out.push(eventBridgeChannel(deps.eventBridge ?? new EventBridgeClient(sdk()), c.eventbridge.eventBusName, c.eventbridge.minSeverity));
  return out;
}
