import type { MiddlewareObj } from '@middy/core';
import { rejectEvent } from './reject-event.js';

/** EventBridge's own limit for one event; nothing legitimate sent to these functions comes near it. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Rejects an event larger than `maxBytes` (as JSON) before it is parsed: an oversized payload is
 * either a mistake or an attempt to make the parser work hard, and is never acted on.
 */
export const rejectOversizedEvents = (maxBytes = MAX_EVENT_BYTES): MiddlewareObj => ({
  before: async (request) => {
    const size = Buffer.byteLength(JSON.stringify(request.event) ?? '', 'utf8');
    if (size > maxBytes) rejectEvent(`(event): ${size} bytes is over the ${maxBytes}-byte limit`);
  },
});
