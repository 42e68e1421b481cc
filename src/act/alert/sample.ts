import type { Notification } from './types.js';

/** `notify --test`: one obviously fake finding, so a channel can be checked end to end. */
export function sampleNotification(region: string, now: Date): Notification {
  return {
    kind: 'new',
    fingerprint: `TEST_NOTIFICATION|${region}|-|network-interface|eni-00000000000000000`,
    code: 'TEST_NOTIFICATION',
    severity: 'info',
    cluster: null,
    region,
    resource: { type: 'network-interface', id: 'eni-00000000000000000' },
    reason: 'Test notification from vpc-cni-auditor: if you can read this, the channel works. Nothing was found or changed.',
    details: { test: true },
    firstNotifiedAt: now.toISOString(),
  };
}
