import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { AuditConfigSchema } from '../src/config/audit-config.js';
import { runCleanup } from '../src/run/cleanup.js';
import type { CleanupReport } from '../src/run/report.js';
import { parseDuration } from '../src/util/duration.js';
import { rejectOversizedEvents } from './lib/event-size.js';
import { explainParseErrors } from './lib/explain-parse-errors.js';
import { auditLogger, awsClients, deadlineOf, logger, region, stateStore } from './lib/runtime.js';

const duration = z.string().transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/**
 * The manual-invoke payload (`osls invoke -f cleanup --data '{...}'`). Strict: an unknown or
 * misspelled field (say `dryrun`) is an error, never silently ignored. Dry run unless `dryRun: false`.
 */
export const ManualCleanupSchema = z.strictObject({
  dryRun: z.boolean().default(true),
  clusters: z.array(z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, 'not a valid EKS cluster name')).min(1).optional(),
  grace: duration.optional(),
  clusterDeletedGrace: duration.optional(),
  maxDeletes: z.number().int().min(0).max(10_000).optional(),
  breakerMaxShare: z.number().min(0).max(1).optional(),
  overrideBreaker: z.boolean().optional(),
});
export type ManualCleanupPayload = z.infer<typeof ManualCleanupSchema>;

export async function manualCleanup(payload: ManualCleanupPayload, context: Context): Promise<CleanupReport> {
  const config = AuditConfigSchema.parse({
    cleanup: {
      ...(payload.grace !== undefined ? { graceSeconds: payload.grace } : {}),
      ...(payload.clusterDeletedGrace !== undefined ? { clusterDeletedGraceSeconds: payload.clusterDeletedGrace } : {}),
      ...(payload.maxDeletes !== undefined ? { maxDeletes: payload.maxDeletes } : {}),
      ...(payload.breakerMaxShare !== undefined ? { breakerMaxShare: payload.breakerMaxShare } : {}),
      ...(payload.overrideBreaker !== undefined ? { breakerOverride: payload.overrideBreaker } : {}),
    },
  });
  const r = region();
  const report = await runCleanup({
    source: { kind: 'aws', region: r, clients: awsClients() },
    clusters: payload.clusters ?? null,
    config,
    store: stateStore(),
    dryRun: payload.dryRun,
    deadline: deadlineOf(context),
    logger: auditLogger,
  });
  logger.info('manual cleanup finished', { dryRun: report.dryRun, planned: report.planned.length, deleted: report.deleted.length, skipped: report.skipped.length });
  return report;
}

export const handler = middy<ManualCleanupPayload, CleanupReport>()
  .use(injectLambdaContext(logger))
  .use(explainParseErrors())
  .use(rejectOversizedEvents())
  .use(parser({ schema: ManualCleanupSchema }))
  .handler(manualCleanup);
