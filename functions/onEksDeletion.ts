import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { defaultConfig } from '../src/config/audit-config.js';
import type { DeletionTarget } from '../src/collect/aws/eks-deletion-status.js';
import { runEksDeletionFollowUp, type EksDeletionReport } from '../src/run/eks-deletion.js';
import { rejectOversizedEvents } from './lib/event-size.js';
import { explainParseErrors } from './lib/explain-parse-errors.js';
import { rejectEvent } from './lib/reject-event.js';
import { ClusterNameSchema, NodegroupNameSchema } from './lib/names.js';
import { RECHECK_SOURCE, recheckScheduler, recheckSettings } from './lib/recheck.js';
import { auditLogger, awsClients, deadlineOf, executionEnabled, logger, region, stateStore } from './lib/runtime.js';

const cloudTrailDetail = <N extends string, P extends z.ZodRawShape>(eventName: N, params: P) => z.looseObject({
  eventSource: z.literal('eks.amazonaws.com'),
  eventName: z.literal(eventName),
  /** Present when the call failed: then nothing was deleted. */
  errorCode: z.string().optional(),
  requestParameters: z.looseObject(params),
});

/** The CloudTrail record of a DeleteCluster or DeleteNodegroup call, as EventBridge delivers it. */
export const EksDeletionCloudTrailSchema = EventBridgeSchema.extend({
  source: z.literal('aws.eks'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.discriminatedUnion('eventName', [
    cloudTrailDetail('DeleteCluster', { name: ClusterNameSchema }),
    cloudTrailDetail('DeleteNodegroup', { name: ClusterNameSchema, nodegroupName: NodegroupNameSchema }),
  ]),
});

/** What a re-check schedule delivers: the whole state of the chain. Strict: nothing else is accepted. */
export const RecheckPayloadSchema = z.strictObject({
  source: z.literal(RECHECK_SOURCE),
  version: z.literal(1),
  /** Id of the CloudTrail event that started the chain. */
  origin: z.string().min(1).max(128),
  firstEventAt: z.iso.datetime({ offset: true }),
  cluster: ClusterNameSchema,
  nodegroup: NodegroupNameSchema.optional(),
  attempt: z.number().int().min(2).max(1000),
});

export const EksDeletionEventSchema = z.discriminatedUnion('source', [EksDeletionCloudTrailSchema, RecheckPayloadSchema]);
export type EksDeletionEvent = z.infer<typeof EksDeletionEventSchema>;

export type OnEksDeletionResult = EksDeletionReport | { outcome: 'ignored'; reason: string };

/**
 * Follows an EKS cluster or node group deletion until it is gone, then cleans that cluster's
 * orphans under the usual rules (execution only with CLEANUP_MODE=execute). See docs/deploy.md.
 */
export async function onEksDeletion(event: EksDeletionEvent, context: Context): Promise<OnEksDeletionResult> {
  const r = region();
  let target: DeletionTarget;
  let chain: { origin: string; firstEventAt: string; attempt: number };
  if (event.source === 'aws.eks') {
    // EventBridge rules only see their own region's events; anything else is a misrouted event.
    if (event.region !== r) rejectEvent(`region: the event is from ${event.region}, this function audits ${r}`);
    const d = event.detail;
    if (d.errorCode) {
      logger.info('the deletion call failed: nothing to follow', { eventName: d.eventName, errorCode: d.errorCode });
      return { outcome: 'ignored', reason: `${d.eventName} failed with ${d.errorCode}` };
    }
    target = d.eventName === 'DeleteNodegroup'
      ? { cluster: d.requestParameters.name, nodegroup: d.requestParameters.nodegroupName }
      : { cluster: d.requestParameters.name };
    chain = { origin: event.id, firstEventAt: new Date(event.time).toISOString(), attempt: 1 };
  } else {
    target = event.nodegroup ? { cluster: event.cluster, nodegroup: event.nodegroup } : { cluster: event.cluster };
    chain = { origin: event.origin, firstEventAt: event.firstEventAt, attempt: event.attempt };
  }

  const settings = recheckSettings();
  const dryRun = !executionEnabled();
  const report = await runEksDeletionFollowUp({
    target,
    attempt: chain.attempt,
    maxAttempts: settings.maxAttempts,
    intervalSeconds: settings.intervalSeconds,
    region: r,
    clients: awsClients(),
    store: stateStore(),
    config: defaultConfig(),
    dryRun,
    deadline: deadlineOf(context),
    logger: auditLogger,
    scheduleNext: recheckScheduler({ region: r, functionArn: context.invokedFunctionArn, origin: chain.origin, firstEventAt: chain.firstEventAt, target }),
  });
  logger.info('eks deletion follow-up', {
    target, attempt: report.attempt, outcome: report.outcome, deletion: report.deletion, next: report.next, dryRun,
    ...(report.cleanup ? { planned: report.cleanup.planned.length, deleted: report.cleanup.deleted.length, skipped: report.cleanup.skipped.length, gaps: report.cleanup.gaps } : {}),
  });
  return report;
}

export const handler = middy<EksDeletionEvent, OnEksDeletionResult>()
  .use(injectLambdaContext(logger))
  .use(explainParseErrors())
  .use(rejectOversizedEvents())
  .use(parser({ schema: EksDeletionEventSchema }))
  .handler(onEksDeletion);
