import { AlertsConfigSchema, type AlertsConfig } from '../../config/alerts-config.js';
import { parseSeverity } from '../../model/severity.js';
import { parseDuration } from '../../util/duration.js';

/**
 * The alerts section from the environment (Lambda, and the CLI without --alerts-config).
 * Channels are on when their variable is set; the log channel always is. docs/alerts.md lists them.
 */
export function alertsConfigFromEnv(env: NodeJS.ProcessEnv): AlertsConfig {
  const v = (name: string): string | undefined => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const sev = (name: string) => {
    const s = v(name);
    if (s === undefined) return {};
    try {
      return { minSeverity: parseSeverity(s) };
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  };
  const int = (name: string): number | undefined => {
    const s = v(name);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new Error(`${name} must be a whole number, got "${s}"`);
    return Number(s);
  };
  const seconds = (name: string): number | undefined => {
    const s = v(name);
    if (s === undefined) return undefined;
    try {
      return parseDuration(s);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  };

  const channels: Record<string, unknown> = { log: { ...sev('ALERT_LOG_MIN_SEVERITY') } };
  const topic = v('ALERT_SNS_TOPIC_ARN');
  if (topic) channels.sns = { topicArn: topic, ...sev('ALERT_SNS_MIN_SEVERITY') };
  const parameter = v('SLACK_WEBHOOK_PARAMETER');
  const secret = v('SLACK_WEBHOOK_SECRET_ARN');
  if (parameter || secret) channels.slack = { ...(parameter ? { webhookParameter: parameter } : {}), ...(secret ? { webhookSecretArn: secret } : {}), ...sev('ALERT_SLACK_MIN_SEVERITY') };
  // ALERT_EVENT_BUS_NAME is accepted too: serverless.yml names its parameter that way.
  const bus = v('ALERT_EVENT_BUS') ?? v('ALERT_EVENT_BUS_NAME');
  if (bus) channels.eventbridge = { eventBusName: bus, ...sev('ALERT_EVENTBRIDGE_MIN_SEVERITY') };

  const raw: Record<string, unknown> = {
    channels,
    repeatIntervalSeconds: seconds('ALERT_REPEAT_INTERVAL'),
    groupBy: v('ALERT_GROUP_BY')?.split(',').map((s) => s.trim()).filter(Boolean),
    delivery: { attempts: int('ALERT_DELIVERY_ATTEMPTS'), baseDelayMs: int('ALERT_DELIVERY_BASE_DELAY_MS'), timeoutMs: int('ALERT_DELIVERY_TIMEOUT_MS') },
    secretsMaxAgeSeconds: seconds('ALERT_SECRETS_MAX_AGE'),
  };
  const parsed = AlertsConfigSchema.safeParse(JSON.parse(JSON.stringify(raw)));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`alert settings from the environment: ${i?.path.join('.')}: ${i?.message}`);
  }
  return parsed.data;
}
