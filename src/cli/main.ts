import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AuditConfigSchema, type AuditConfig } from '../config/audit-config.js';
import { clientConfig, createAwsClients, resolveRegion } from '../aws/clients.js';
import { collectAws } from '../collect/aws/collect-aws.js';
import { writeSnapshot } from '../collect/snapshot/write-snapshot.js';
import { atLeast, parseSeverity, type Severity } from '../model/severity.js';
import { runCleanup } from '../run/cleanup.js';
import { runScan, type InventorySource } from '../run/scan.js';
import type { CleanupReport } from '../run/report.js';
import type { Inventory } from '../model/inventory.js';
import { DynamoDbStateStore } from '../state/dynamodb-store.js';
import { FileStateStore } from '../state/file-store.js';
import { MemoryStateStore, type StateStore } from '../state/store.js';
import { parseDuration } from '../util/duration.js';
import { InputError, UsageError, describeError } from '../util/errors.js';
import { jsonLinesLogger, silentLogger } from '../util/logger.js';
import { formatCleanup, formatScan } from './format-table.js';
import { formatNotify, notifyCommand, notifyFromCli, silenceCommand } from './alert-commands.js';
import { EXIT, processIo, type CliIo } from './io.js';
import { collectCapacity } from '../collect/collect-capacity.js';
import { KUBE_FLAGS, KUBE_USAGE, kubernetesAccessOf, rejectKubeFlagsWithSnapshot } from './kube-flags.js';
import { LIMITS_USAGE, limitsCommand } from './limits-command.js';
import { formatNodes, nodeRows } from './show-nodes.js';

const COMMON = {
  region: { type: 'string' },
  cluster: { type: 'string', multiple: true },
  snapshot: { type: 'string' },
  format: { type: 'string', default: 'table' },
  'fail-on': { type: 'string' },
  state: { type: 'string' },
  'state-table': { type: 'string' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  notify: { type: 'boolean', default: false },
  'alerts-config': { type: 'string' },
  'sgs-per-eni': { type: 'string' },
  ...KUBE_FLAGS,
} as const satisfies ParseArgsConfig['options'];

const CLEANUP = {
  ...COMMON,
  execute: { type: 'boolean', default: false },
  grace: { type: 'string' },
  'cluster-deleted-grace': { type: 'string' },
  'max-deletes': { type: 'string' },
  'breaker-max-share': { type: 'string' },
  'override-breaker': { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

const SNAPSHOT = {
  region: COMMON.region,
  cluster: COMMON.cluster,
  out: { type: 'string' },
  ...KUBE_FLAGS,
  help: COMMON.help,
} as const satisfies ParseArgsConfig['options'];

const USAGE = `vpc-cni-auditor: audits EKS VPC CNI and Security Groups for Pods networking.

Usage:
  vpc-cni-auditor scan     [--region R] [--cluster NAME]... [--snapshot DIR] [--format table|json] [--fail-on SEVERITY]
                           [--show nodes] [--kubernetes MODE] [--kubeconfig FILE] [--context NAME] [--sgs-per-eni 5]
  vpc-cni-auditor cleanup  [scan flags] [--execute] [--grace 15m] [--cluster-deleted-grace 5m] [--max-deletes 50]
                           [--breaker-max-share 0.5] [--override-breaker]
  vpc-cni-auditor snapshot --out DIR [--region R] [--cluster NAME]... [--kubernetes MODE] [--kubeconfig FILE] [--context NAME]
  ${LIMITS_USAGE.replace('vpc-cni-auditor limits', 'vpc-cni-auditor limits  ')}
  vpc-cni-auditor notify   --test [--region R] [--alerts-config FILE]   a sample to every configured channel
  vpc-cni-auditor silence  add --expires 24h [--code C] [--cluster N] [--resource ID] [--tag K=V] [--comment TEXT]
                           | list | remove --id ID   (kept in the state store: --state FILE or --state-table NAME)
  vpc-cni-auditor demo     scan and plan a cleanup of the bundled example environment
  vpc-cni-auditor --help | --version

Flags:
  --region R               AWS region (default: AWS_REGION). Credentials: the SDK's default chain.
                           AWS_ENDPOINT_URL points every client at another endpoint.
  --cluster NAME           limit to one cluster; repeat for more. Default: every cluster in the region.
  --snapshot DIR           read a captured folder instead of the live APIs (docs/snapshot.md). Plan only.
  --show nodes             scan: also print each node's pods/capacity, branch ENIs used/limit, free subnet IPs.
  --sgs-per-eni N          your account's EC2 quota of security groups per network interface (default 5; SGP_TOO_MANY_SGS).
${KUBE_USAGE}
  --prefix-delegation, --custom-networking, --sgp   limits: pod capacity under these VPC CNI options.
  --format table|json      output format (default table). JSON shapes: docs/output.md.
  --fail-on SEVERITY       exit 1 if any finding is at or above info|warning|critical.
  --state FILE             sightings file for grace periods (default: $XDG_STATE_HOME/vpc-cni-auditor/state.json).
  --state-table NAME       keep sightings in this DynamoDB table instead (env VPC_CNI_AUDITOR_STATE_TABLE).
  --execute                cleanup only: really delete. Without it cleanup is a dry run.
  --grace DURATION         an ENI must be seen orphaned this long before deletion (default 15m).
  --cluster-deleted-grace  the same when its cluster is proven deleted (default 5m).
  --max-deletes N          at most N deletions per run (default 50).
  --breaker-max-share F    refuse to delete more than this share of a VPC's EKS ENIs (default 0.5)...
  --override-breaker       ...unless this is given.
  --verbose                structured log lines on stderr.
  --notify                 scan/cleanup: send new, escalated, repeated and resolved findings to the
                           configured channels (docs/alerts.md); exit 3 if a channel fails.
  --alerts-config FILE     channels and alert settings as JSON (default: the ALERT_* / SLACK_WEBHOOK_* environment).

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad input (nothing done), 3 API or deletion failure.
Finding codes and fixes: docs/findings.md.`;

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun vpc-cni-auditor --help for usage.`);
  }
}

const num = (flag: string, value: string | undefined, integer: boolean): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${flag} must be a ${integer ? 'whole ' : ''}number, got "${value}"`);
  return n;
};

const dur = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
};

function buildConfig(v: Record<string, unknown>): AuditConfig {
  const cleanup: Record<string, unknown> = {
    graceSeconds: dur('grace', v.grace as string | undefined),
    clusterDeletedGraceSeconds: dur('cluster-deleted-grace', v['cluster-deleted-grace'] as string | undefined),
    maxDeletes: num('max-deletes', v['max-deletes'] as string | undefined, true),
    breakerMaxShare: num('breaker-max-share', v['breaker-max-share'] as string | undefined, false),
    breakerOverride: v['override-breaker'] as boolean | undefined,
  };
  for (const k of Object.keys(cleanup)) if (cleanup[k] === undefined) delete cleanup[k];
  const sgsPerEni = num('sgs-per-eni', v['sgs-per-eni'] as string | undefined, true);
  const parsed = AuditConfigSchema.safeParse({ cleanup, ...(sgsPerEni !== undefined ? { sgp: { securityGroupsPerEni: sgsPerEni } } : {}) });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`invalid option ${i?.path.join('.')}: ${i?.message}`);
  }
  return parsed.data;
}

function parseFormat(v: unknown): 'table' | 'json' {
  if (v === 'table' || v === 'json') return v;
  throw new UsageError(`--format must be table or json, got "${String(v)}"`);
}

function parseFailOn(v: unknown): Severity | null {
  if (v === undefined) return null;
  try {
    return parseSeverity(String(v));
  } catch (err) {
    throw new UsageError(`--fail-on: ${(err as Error).message}`);
  }
}

const clustersOf = (v: Record<string, unknown>): string[] | null => {
  const c = v.cluster as string[] | undefined;
  if (!c || c.length === 0) return null;
  for (const name of c) if (!/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/.test(name)) throw new UsageError(`--cluster "${name}" is not a valid EKS cluster name`);
  return [...new Set(c)];
};

function stateStore(v: Record<string, unknown>, io: CliIo, region: string | undefined): StateStore {
  const table = (v['state-table'] as string | undefined) ?? io.env.VPC_CNI_AUDITOR_STATE_TABLE;
  if (table) {
    if (!region) throw new UsageError('--state-table needs a region');
    return new DynamoDbStateStore(new DynamoDBClient(clientConfig({ region })), table);
  }
  const base = io.env.XDG_STATE_HOME ?? (io.env.HOME ? join(io.env.HOME, '.local', 'state') : io.cwd);
  return new FileStateStore(resolve(io.cwd, (v.state as string | undefined) ?? join(base, 'vpc-cni-auditor', 'state.json')));
}

function sourceOf(v: Record<string, unknown>, io: CliIo): { source: InventorySource; region: string | undefined } {
  const snapshot = v.snapshot as string | undefined;
  if (snapshot !== undefined) {
    const region = v.region as string | undefined;
    return { source: { kind: 'snapshot', dir: resolve(io.cwd, snapshot), ...(region ? { region } : {}) }, region };
  }
  let region: string;
  try {
    region = resolveRegion(v.region as string | undefined, io.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return { source: { kind: 'aws', region, clients: createAwsClients({ region }) }, region };
}

/** Live runs read Kubernetes as the flags say (issue #3); a snapshot brings its own files. */
function kubernetesOf(v: Record<string, unknown>, io: CliIo, source: InventorySource) {
  if (source.kind === 'snapshot') return rejectKubeFlagsWithSnapshot(v);
  return kubernetesAccessOf(v, io, clustersOf(v));
}

const failed = (r: CleanupReport) => r.skipped.some((s) => /^(delete-failed|recheck-failed|aborted)/.test(s.reason));

async function scanCommand(args: string[], io: CliIo): Promise<number> {
  const v = parse(args, { ...COMMON, show: { type: 'string' } });
  if (v.show !== undefined && v.show !== 'nodes') throw new UsageError(`--show takes "nodes", got "${v.show}"`);
  if (v.help) return (io.stdout(`${USAGE}\n`), EXIT.ok);
  const format = parseFormat(v.format);
  const failOn = parseFailOn(v['fail-on']);
  const config = buildConfig(v);
  const { source, region } = sourceOf(v, io);
  if (v.notify && v.snapshot !== undefined) throw new UsageError('--notify cannot be used with --snapshot: notifications need a live sweep');
  const store = stateStore(v, io, region);
  const kubernetes = kubernetesOf(v, io, source);
  const logger = v.verbose ? jsonLinesLogger(io.stderr) : silentLogger;
  const { report, inventory } = await runScan({ source, clusters: clustersOf(v), config, store, logger, ...(kubernetes ? { kubernetes } : {}) });
  const notify = v.notify ? await notifyFromCli({ report, inventory, store, alertsConfig: v['alerts-config'], verbose: v.verbose, io }) : undefined;
  const nodes = v.show === 'nodes' ? { nodes: nodeRows(inventory) } : {};
  io.stdout(format === 'json' ? `${JSON.stringify({ ...report, ...nodes, ...(notify ? { notify } : {}) }, null, 2)}\n` : `${formatScan(report)}${v.show === 'nodes' ? formatNodes(inventory) : ''}${notify ? formatNotify(notify) : ''}`);
  if (notify?.failedChannels.length) return EXIT.failure;
  return failOn && report.findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

async function cleanupCommand(args: string[], io: CliIo): Promise<number> {
  const v = parse(args, CLEANUP);
  if (v.help) return (io.stdout(`${USAGE}\n`), EXIT.ok);
  const format = parseFormat(v.format);
  const failOn = parseFailOn(v['fail-on']);
  const config = buildConfig(v);
  if (v.execute && v.snapshot !== undefined) throw new UsageError('--execute cannot be used with --snapshot: a snapshot can only be planned');
  const { source, region } = sourceOf(v, io);
  if (v.notify && v.snapshot !== undefined) throw new UsageError('--notify cannot be used with --snapshot: notifications need a live sweep');
  const store = stateStore(v, io, region);
  let inventory: Inventory | undefined;
  const kubernetes = kubernetesOf(v, io, source);
  const report = await runCleanup({
    source,
    ...(kubernetes ? { kubernetes } : {}),
    clusters: clustersOf(v),
    config,
    store,
    dryRun: !v.execute,
    logger: v.verbose ? jsonLinesLogger(io.stderr) : silentLogger,
    onScan: (scan) => { inventory = scan.inventory; },
  });
  const notify = v.notify ? await notifyFromCli({ report, ...(inventory ? { inventory } : {}), store, alertsConfig: v['alerts-config'], verbose: v.verbose, io }) : undefined;
  io.stdout(format === 'json' ? `${JSON.stringify(notify ? { ...report, notify } : report, null, 2)}\n` : `${formatCleanup(report)}${notify ? formatNotify(notify) : ''}`);
  if (failed(report) || notify?.failedChannels.length) return EXIT.failure;
  return failOn && report.findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

async function snapshotCommand(args: string[], io: CliIo): Promise<number> {
  const v = parse(args, SNAPSHOT);
  if (v.help) return (io.stdout(`${USAGE}\n`), EXIT.ok);
  if (!v.out) throw new UsageError('snapshot needs --out DIR');
  let region: string;
  try {
    region = resolveRegion(v.region, io.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const clients = createAwsClients({ region });
  const raw = await collectAws(clients.ec2, clients.eks, { region, clusters: clustersOf(v) });
  await collectCapacity(clients.ec2, clients.eks, raw, { kubernetes: kubernetesAccessOf(v, io, clustersOf(v)), ...(clients.iam ? { iam: clients.iam } : {}) });
  const dir = resolve(io.cwd, v.out);
  const files = await writeSnapshot(dir, raw);
  io.stdout(`Wrote ${files.length} files to ${v.out}: ${files.join(', ')}\n`);
  return EXIT.ok;
}

/** The repository root, found from this module's location (works from src/ and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vpc-cni-auditor') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the vpc-cni-auditor package root');
    dir = up;
  }
}

async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const v = parse(args, { format: COMMON.format, help: COMMON.help });
  if (v.help) return (io.stdout(`${USAGE}\n`), EXIT.ok);
  const dir = join(packageRoot(), 'examples', 'demo-env');
  const format = parseFormat(v.format);
  const source: InventorySource = { kind: 'snapshot', dir };
  const config = buildConfig({});
  let inventory: Inventory | undefined;
  const report = await runCleanup({ source, clusters: null, config, store: new MemoryStateStore(), dryRun: true, onScan: (scan) => { inventory = scan.inventory; } });
  if (format === 'json') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout(`Demo: the bundled example environment (examples/demo-env), read as a snapshot.\n\n== scan ==\n`);
  io.stdout(formatScan(report));
  if (inventory) io.stdout(`\n== nodes (scan --show nodes) ==${formatNodes(inventory)}`);
  io.stdout(`\n== cleanup plan ==\n`);
  io.stdout(formatCleanup(report));
  return EXIT.ok;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan': return await scanCommand(rest, io);
      case 'cleanup': return await cleanupCommand(rest, io);
      case 'snapshot': return await snapshotCommand(rest, io);
      case 'demo': return await demoCommand(rest, io);
      case 'limits': return await limitsCommand(rest, io, USAGE);
      case 'notify': return await notifyCommand(rest, io, USAGE);
      case 'silence': return await silenceCommand(rest, io, USAGE, (v, region) => stateStore(v, io, region));
      case '--version':
      case 'version':
        io.stdout(`${(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version}\n`);
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"\nRun vpc-cni-auditor --help for usage.`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`error: ${describeError(err)}\n`);
    return EXIT.failure;
  }
}
