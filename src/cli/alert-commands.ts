import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildChannels } from '../act/alert/build-channels.js';
import { alertsConfigFromEnv } from '../act/alert/env-config.js';
import { isActive, loadSilences, removeSilences, saveSilence } from '../act/alert/silences.js';
import { accountId } from '../aws/account.js';
import { resolveRegion } from '../aws/clients.js';
import { AlertsConfigSchema, SilenceSchema, type AlertsConfig, type Silence } from '../config/alerts-config.js';
import type { Inventory } from '../model/inventory.js';
import { runNotify, runNotifyTest, type NotifySummary } from '../run/notify.js';
import type { CleanupReport, ScanReport } from '../run/report.js';
import type { StateStore } from '../state/store.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { jsonLinesLogger, silentLogger } from '../util/logger.js';
import { EXIT, type CliIo } from './io.js';

/** The alerts section: from --alerts-config FILE (JSON), else from the environment the Lambda uses too. */
export function alertsConfigOf(file: string | undefined, io: CliIo): AlertsConfig {
  if (file === undefined) {
    try {
      return alertsConfigFromEnv(io.env);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8'));
  } catch (err) {
    throw new UsageError(`--alerts-config ${file}: ${(err as Error).message}`);
  }
  const parsed = AlertsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`--alerts-config ${file}: ${i?.path.join('.') || '(top)'}: ${i?.message}`);
  }
  return parsed.data;
}

export interface CliNotifyInput {
  report: ScanReport | CleanupReport;
  inventory?: Inventory;
  store: StateStore;
  alertsConfig: string | undefined;
  verbose: boolean;
  io: CliIo;
}

/** `--notify` on scan and cleanup: the same runNotify as the Lambda sweep. */
export async function notifyFromCli(input: CliNotifyInput): Promise<NotifySummary> {
  const config = alertsConfigOf(input.alertsConfig, input.io);
  const logger = input.verbose ? jsonLinesLogger(input.io.stderr) : silentLogger;
  const region = input.report.region;
  return runNotify({
    report: input.report,
    ...(input.inventory ? { inventory: input.inventory } : {}),
    config,
    channels: buildChannels(config, { region, logger }),
    store: input.store,
    account: await accountId(region),
    logger,
  });
}

/** The notification counts for the table output. */
export function formatNotify(s: NotifySummary): string {
  const lines = s.channels.map((c) => {
    const n = c.notifications;
    const counts = `${n.new} new, ${n.escalated} escalated, ${n.repeated} repeated, ${n.resolved} resolved${c.silenced ? `, ${c.silenced} silenced` : ''}`;
    const result = c.error ? `FAILED after ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}: ${c.error}${c.stateAdvanced ? '' : ' (state not advanced: sent again next run)'}` : c.delivered ? `${c.delivered} delivered` : 'nothing to send';
    return `  ${c.describe}: ${counts}; ${result}`;
  });
  return `\nNotifications:\n${lines.join('\n')}\n`;
}

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O, positionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun vpc-cni-auditor --help for usage.`);
  }
}

/** `notify --test`: a sample to every configured channel. Exit 3 when one fails. */
export async function notifyCommand(args: string[], io: CliIo, usage: string): Promise<number> {
  const { values: v } = parse(args, {
    test: { type: 'boolean', default: false },
    region: { type: 'string' },
    'alerts-config': { type: 'string' },
    format: { type: 'string', default: 'table' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (v.help) return (io.stdout(`${usage}\n`), EXIT.ok);
  if (!v.test) throw new UsageError('notify needs --test (scan --notify and cleanup --notify send real findings)');
  if (v.format !== 'table' && v.format !== 'json') throw new UsageError(`--format must be table or json, got "${v.format}"`);
  let region: string;
  try {
    region = resolveRegion(v.region, io.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const config = alertsConfigOf(v['alerts-config'], io);
  const logger = v.verbose ? jsonLinesLogger(io.stderr) : silentLogger;
  const summary = await runNotifyTest(buildChannels(config, { region, logger }), config, region, await accountId(region));
  io.stdout(v.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : `Test notification (region ${region}):${formatNotify(summary).replace(/^\nNotifications:/, '')}`);
  return summary.failedChannels.length ? EXIT.failure : EXIT.ok;
}

const SILENCE_FLAGS = {
  code: { type: 'string' },
  cluster: { type: 'string' },
  resource: { type: 'string' },
  tag: { type: 'string' },
  'silence-region': { type: 'string' },
  expires: { type: 'string' },
  comment: { type: 'string' },
  id: { type: 'string', multiple: true },
  all: { type: 'boolean', default: false },
  region: { type: 'string' },
  state: { type: 'string' },
  'state-table': { type: 'string' },
  format: { type: 'string', default: 'table' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** `--expires` is a duration from now (`24h`, `7d`) or an ISO time. */
function expiryOf(value: string | undefined, now: Date): string {
  if (value === undefined) throw new UsageError('silence add needs --expires (a duration like 24h, or an ISO time): silences always end');
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new UsageError(`--expires: invalid time "${value}"`);
    if (t <= now.getTime()) throw new UsageError('--expires is in the past');
    return new Date(t).toISOString();
  }
  try {
    return new Date(now.getTime() + parseDuration(value) * 1000).toISOString();
  } catch (err) {
    throw new UsageError(`--expires: ${(err as Error).message}`);
  }
}

const describeSilence = (s: Silence): string =>
  [s.code && `code=${s.code}`, s.cluster && `cluster=${s.cluster}`, s.resource && `resource=${s.resource}`, s.tag && `tag ${s.tag}`, s.region && `region=${s.region}`].filter(Boolean).join(' ');

/**
 * `silence add|list|remove`: silences are data in the state store (the file, or the DynamoDB
 * table the Lambda sweep uses with --state-table), so a silence set here mutes the sweep too.
 */
export async function silenceCommand(args: string[], io: CliIo, usage: string, storeOf: (v: Record<string, unknown>, region: string | undefined) => StateStore): Promise<number> {
  const { values: v, positionals } = parse(args, SILENCE_FLAGS, true);
  if (v.help) return (io.stdout(`${usage}\n`), EXIT.ok);
  const [action, ...extra] = positionals;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const region = v.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const store = storeOf(v, region);
  const now = new Date();
  switch (action) {
    case 'add': {
      const parsed = SilenceSchema.safeParse({
        id: v.id?.[0] ?? randomUUID().slice(0, 8),
        ...(v.code ? { code: v.code } : {}),
        ...(v.cluster ? { cluster: v.cluster } : {}),
        ...(v.resource ? { resource: v.resource } : {}),
        ...(v.tag ? { tag: v.tag } : {}),
        ...(v['silence-region'] ? { region: v['silence-region'] } : {}),
        expiresAt: expiryOf(v.expires, now),
        ...(v.comment ? { comment: v.comment } : {}),
        createdAt: now.toISOString(),
        ...(io.env.USER ? { createdBy: io.env.USER } : {}),
      });
      if (!parsed.success) throw new UsageError(`silence: ${parsed.error.issues[0]?.message}`);
      await saveSilence(store, parsed.data);
      io.stdout(v.format === 'json' ? `${JSON.stringify(parsed.data, null, 2)}\n` : `Silence ${parsed.data.id} added: ${describeSilence(parsed.data)} until ${parsed.data.expiresAt}\n`);
      return EXIT.ok;
    }
    case 'list': {
      const all = await loadSilences(store);
      if (v.format === 'json') io.stdout(`${JSON.stringify(all, null, 2)}\n`);
      else if (!all.length) io.stdout('No silences.\n');
      else io.stdout(`${all.map((s) => `${s.id}  ${isActive(s, now) ? 'active ' : 'expired'}  until ${s.expiresAt}  ${describeSilence(s)}${s.comment ? `  # ${s.comment}` : ''}`).join('\n')}\n`);
      return EXIT.ok;
    }
    case 'remove': {
      const ids = v.all ? (await loadSilences(store)).map((s) => s.id) : (v.id ?? []);
      if (!ids.length) throw new UsageError('silence remove needs --id ID (repeatable) or --all');
      await removeSilences(store, ids);
      io.stdout(`Removed ${ids.length} silence${ids.length === 1 ? '' : 's'}.\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`silence needs add, list or remove${action ? `, not "${action}"` : ''}`);
  }
}
