import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { errorCode } from '../../util/errors.js';

/** Where re-check schedules go and whom they invoke. */
export interface RecheckTarget {
  /** Schedule group: IAM scopes scheduler:CreateSchedule to it. */
  group: string;
  /** The role EventBridge Scheduler assumes to invoke the function (lambda:InvokeFunction on it only). */
  roleArn: string;
  /** The function to invoke: the handler itself. */
  functionArn: string;
}

export interface RecheckRequest {
  /** Unique per (origin event, attempt): a duplicate delivery of the same event finds it taken. */
  name: string;
  at: Date;
  payload: Record<string, unknown>;
  description: string;
}

/** `at(...)` wants local date-time without zone or fraction; the zone is given separately (UTC). */
export const atExpression = (at: Date): string => `at(${at.toISOString().slice(0, 19)})`;

/**
 * One-time EventBridge Scheduler schedule that invokes the function once with `payload`, then
 * deletes itself. `exists` when a schedule of that name is already there (the same event delivered
 * twice): the re-check is already on its way, nothing to do.
 */
export async function scheduleRecheck(client: SchedulerClient, target: RecheckTarget, req: RecheckRequest): Promise<'created' | 'exists'> {
  // A schedule without a target would be accepted by some emulators and then never do anything.
  if (!target.functionArn || !target.roleArn || !target.group) throw new Error('a re-check schedule needs a group, a role and a function ARN');
  try {
    await client.send(new CreateScheduleCommand({
      Name: req.name,
      GroupName: target.group,
      Description: req.description.slice(0, 512),
      ScheduleExpression: atExpression(req.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify(req.payload),
        // A throttled or failed delivery is retried; after an hour the next sweep is the fallback.
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
      },
    }));
    return 'created';
  } catch (err) {
    if (errorCode(err) === 'ConflictException') return 'exists';
    throw err;
  }
}
