import { z } from 'zod';
import { AlertsConfigSchema } from './alerts-config.js';
import { CapacityConfigSchema } from './capacity-config.js';
import { SgpConfigSchema } from './sgp-config.js';

/**
 * Every tunable of a sweep, with its default. CLI flags, Lambda environment and manual payloads
 * all end up here, so the three entry points cannot drift apart.
 */
export const CleanupConfigSchema = z.strictObject({
  /** Seconds an ENI must be seen orphaned, continuously, before it may be deleted. */
  graceSeconds: z.number().int().min(0).default(15 * 60),
  /** Shorter grace when the owning cluster is proven deleted (no controller will ever clean it). */
  clusterDeletedGraceSeconds: z.number().int().min(0).default(5 * 60),
  /** A sighting older than this is stale: the orphan clock restarts (sweeps stopped, so "continuously" is unproven). */
  maxSightingGapSeconds: z.number().int().min(60).default(2 * 60 * 60),
  /** Most deletions one run may make. */
  maxDeletes: z.number().int().min(0).max(10_000).default(50),
  /** Circuit breaker: refuse a VPC's deletions when they exceed this share of its EKS-owned ENIs... */
  breakerMaxShare: z.number().min(0).max(1).default(0.5),
  /** ...and there are more than this many of them (small cleanups never trip it). */
  breakerMinCount: z.number().int().min(0).default(10),
  /** Lets the breaker be overridden explicitly, per run. */
  breakerOverride: z.boolean().default(false),
});

export const AuditConfigSchema = z.strictObject({
  cleanup: CleanupConfigSchema.prefault({}),
  /** Node, branch-ENI and subnet capacity thresholds (issue #3). */
  capacity: CapacityConfigSchema.prefault({}),
  /** Security Groups for Pods thresholds (issue #4). */
  sgp: SgpConfigSchema.prefault({}),
  /** Notification channels, lifecycle and silences (docs/alerts.md). */
  alerts: AlertsConfigSchema.prefault({}),
});

export type AuditConfig = z.infer<typeof AuditConfigSchema>;
export type CleanupConfig = z.infer<typeof CleanupConfigSchema>;

export const defaultConfig = (): AuditConfig => AuditConfigSchema.parse({});
