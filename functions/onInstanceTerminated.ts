import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { defaultConfig } from '../src/config/audit-config.js';
import { runCleanup } from '../src/run/cleanup.js';
import type { CleanupReport } from '../src/run/report.js';
import { rejectOversizedEvents } from './lib/event-size.js';
import { explainParseErrors } from './lib/explain-parse-errors.js';
import { rejectEvent } from './lib/reject-event.js';
import { auditLogger, awsClients, deadlineOf, executionEnabled, logger, region, stateStore } from './lib/runtime.js';

/** EC2's state-change event, for `terminated` only: any other state is rejected, never acted on. */
export const InstanceTerminatedSchema = EventBridgeSchema.extend({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('EC2 Instance State-change Notification'),
  detail: z.looseObject({
    'instance-id': z.string().regex(/^i-[0-9a-f]{8,17}$/, 'not an EC2 instance id'),
    state: z.literal('terminated'),
  }),
});
export type InstanceTerminatedEvent = z.infer<typeof InstanceTerminatedSchema>;

/**
 * Checks the ENIs tagged with the terminated instance (and nothing else): records their orphan
 * sightings, so the grace period starts now, and deletes only what is already past its grace, with
 * CLEANUP_MODE=execute. The resource controller deletes a node's branch ENIs itself about a minute
 * after the node goes; the grace leaves it that minute and more (docs/deploy.md).
 */
export async function onInstanceTerminated(event: InstanceTerminatedEvent, context: Context): Promise<CleanupReport> {
  const r = region();
  if (event.region !== r) rejectEvent(`region: the event is from ${event.region}, this function audits ${r}`);
  const instanceId = event.detail['instance-id'];
  const dryRun = !executionEnabled();
  const report = await runCleanup({
    source: { kind: 'aws', region: r, clients: awsClients() },
    clusters: null,
    instanceId,
    config: defaultConfig(),
    store: stateStore(),
    dryRun,
    deadline: deadlineOf(context),
    logger: auditLogger,
  });
  logger.info('instance terminated: its ENIs checked', {
    instanceId, dryRun, summary: report.summary, planned: report.planned.length, deleted: report.deleted.length, skipped: report.skipped.length, gaps: report.gaps,
  });
  return report;
}

export const handler = middy<InstanceTerminatedEvent, CleanupReport>()
  .use(injectLambdaContext(logger))
  .use(explainParseErrors())
  .use(rejectOversizedEvents())
  .use(parser({ schema: InstanceTerminatedSchema }))
  .handler(onInstanceTerminated);
