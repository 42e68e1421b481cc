import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Severity } from '../model/severity.js';
import type { AuditConfig } from '../config/audit-config.js';

/** popeye-style documentation of one finding code. docs/findings.md is generated from these. */
export interface CodeInfo {
  severity: Severity;
  /** One line: what the finding means. */
  title: string;
  /** Why it matters. */
  why: string;
  /** How to fix it. */
  fix: string;
}

export interface CheckContext {
  now: Date;
  config: AuditConfig;
}

/**
 * A check is a pure function from an inventory to findings: it never calls an API, reads a
 * clock (use ctx.now) or keeps state. Each check lives in its own file and declares its codes.
 */
export interface Check<C extends string = string> {
  id: string;
  summary: string;
  codes: Readonly<Record<C, CodeInfo>>;
  run(inventory: Inventory, ctx: CheckContext): Finding[];
}

export const defineCheck = <const C extends string>(check: Check<C>): Check<C> => check;
