import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { defaultConfig } from '../src/config/audit-config.js';
import { runCleanup } from '../src/run/cleanup.js';
import { kubernetesAccessFromEnv } from '../src/kube/access-from-env.js';
import type { Inventory } from '../src/model/inventory.js';
import { notifySweep, type SweepResult } from './lib/alerts.js';
import { rejectOversizedEvents } from './lib/event-size.js';
import { explainParseErrors } from './lib/explain-parse-errors.js';
import { auditLogger, awsClients, deadlineOf, executionEnabled, logger, region, stateStore } from './lib/runtime.js';

/** The EventBridge scheduler's event: anything else is rejected by the parser before the sweep runs. */
export const ScheduledEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});
export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;

/**
 * Scheduled sweep of the whole region: scan, track sightings, plan, and delete only when
 * CLEANUP_MODE=execute; then notify the channels the environment configures, and publish metrics.
 */
export async function sweep(_event: ScheduledEvent, context: Context): Promise<SweepResult> {
  const startedAt = Date.now();
  const r = region();
  let inventory: Inventory | undefined;
  const dryRun = !executionEnabled();
  const kubernetes = kubernetesAccessFromEnv();
  const report = await runCleanup({
    source: { kind: 'aws', region: r, clients: awsClients() },
    clusters: null,
    // Capacity checks (issue #3): KUBERNETES_ACCESS=eks reads every cluster's API through EKS auth.
    ...(kubernetes ? { kubernetes } : {}),
    config: defaultConfig(),
    store: stateStore(),
    dryRun,
    deadline: deadlineOf(context),
    logger: auditLogger,
    onScan: (scan) => { inventory = scan.inventory; },
  });
  logger.info('sweep finished', { dryRun, summary: report.summary, planned: report.planned.length, deleted: report.deleted.length, skipped: report.skipped.length, gaps: report.gaps });
  // Deliveries stop 15 s before Lambda's timeout, leaving time to record what was sent.
  return { ...report, notify: await notifySweep(report, inventory, startedAt, deadlineOf(context)) };
}

export const handler = middy<ScheduledEvent, SweepResult>()
  .use(injectLambdaContext(logger))
  .use(explainParseErrors())
  .use(rejectOversizedEvents())
  .use(parser({ schema: ScheduledEventSchema }))
  .handler(sweep);
