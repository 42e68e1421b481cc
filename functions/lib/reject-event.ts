import { InvalidEventError } from './explain-parse-errors.js';
import { logger } from './runtime.js';

/** Logs and throws: the invocation fails with a message naming the problem, and nothing runs. */
export function rejectEvent(problem: string): never {
  logger.error('rejected invalid event', { problems: [problem] });
  throw new InvalidEventError(`invalid event: ${problem}`);
}
