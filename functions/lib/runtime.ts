import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { clientConfig, createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { MemoryStateStore, type StateStore } from '../../src/state/store.js';
import type { AuditLogger } from '../../src/util/logger.js';

/**
 * What every handler shares, built once per container (module scope) so warm invocations reuse
 * clients and connections. Configuration comes from the environment serverless.yml sets.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vpc-cni-auditor' });

/** The core's logger interface over Powertools: one structured line per deletion or skip. */
export const auditLogger: AuditLogger = {
  info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
  warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
  error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
};

export function region(env: NodeJS.ProcessEnv = process.env): string {
  const r = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!r) throw new Error('AWS_REGION is not set');
  return r;
}

let clients: AwsClients | undefined;
export function awsClients(): AwsClients {
  return (clients ??= createAwsClients({ region: region() }));
}

let store: StateStore | undefined;
/** The DynamoDB state table, or (no table configured, e.g. invoke local) an in-memory store. */
export function stateStore(env: NodeJS.ProcessEnv = process.env): StateStore {
  if (store) return store;
  const table = env.STATE_TABLE;
  if (!table) {
    logger.warn('STATE_TABLE is not set: sightings are kept in memory only, so grace periods restart every cold start');
    return (store = new MemoryStateStore());
  }
  return (store = new DynamoDbStateStore(new DynamoDBClient(clientConfig({ region: region(env) })), table));
}

/** Execution is opt-in per deployment: CLEANUP_MODE=execute. Anything else plans only. */
export const executionEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => env.CLEANUP_MODE === 'execute';

/** Stop starting deletions 15 s before Lambda's own timeout. */
export const deadlineOf = (context: Context): number => Date.now() + Math.max(0, context.getRemainingTimeInMillis() - 15_000);

/** For tests: forget module-scope singletons after the environment changed. */
export function resetRuntime(): void {
  clients = undefined;
  store = undefined;
}
