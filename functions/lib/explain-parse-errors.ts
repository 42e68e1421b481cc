import type { MiddlewareObj } from '@middy/core';
import { logger } from './runtime.js';

/** The event or payload did not match its schema: nothing was done. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Standard Schema issues, which Powertools puts in ParseError's cause. */
interface Issue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

const isIssueList = (v: unknown): v is Issue[] =>
  Array.isArray(v) && v.length > 0 && v.every((i) => i && typeof (i as Issue).message === 'string');

function issuesOf(err: unknown): Issue[] | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isIssueList(e)) return e;
    if (isIssueList((e as { issues?: unknown }).issues)) return (e as { issues: Issue[] }).issues;
  }
  return null;
}

const pathText = (path: Issue['path']) =>
  path && path.length ? path.map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.') : '(event)';

/**
 * Powertools' parser says only "Failed to parse schema". This turns its schema issues into a message
 * that names each offending field, logs it, and rethrows: the invocation fails, nothing runs.
 */
export const explainParseErrors = (): MiddlewareObj => ({
  onError: async (request) => {
    const issues = issuesOf(request.error);
    if (!issues) return;
    const problems = issues.map((i) => `${pathText(i.path)}: ${i.message}`);
    const error = new InvalidEventError(`invalid event: ${problems.join('; ')}`);
    logger.error('rejected invalid event', { problems });
    request.error = error;
  },
});
