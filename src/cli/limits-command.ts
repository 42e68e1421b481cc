import { parseArgs } from 'node:util';
import { limitsFile, shippedLimits } from '../limits/instance-limits.js';
import { branchLimit, eniMaxPods, podCapacity } from '../limits/pod-capacity.js';
import { UsageError } from '../util/errors.js';
import { EXIT, type CliIo } from './io.js';

export const LIMITS_USAGE = 'vpc-cni-auditor limits TYPE [--prefix-delegation] [--custom-networking] [--sgp] [--format table|json]';

/** The `limits` answer (docs/output.md). */
export interface LimitsReport {
  instanceType: string;
  enis: number;
  totalEnis: number;
  networkCards: number;
  ipv4PerEni: number;
  hypervisor: string;
  bareMetal: boolean;
  /** As eni-max-pods.txt computes it: enis * (ipv4PerEni - 1) + 2. */
  maxPods: number;
  options: { prefixDelegation: boolean; customNetworking: boolean; securityGroupsForPods: boolean };
  /** Max pods under the options, as max-pods-calculator.sh computes it (without its 110/250 cap). */
  podCapacity: number;
  podEniSlots: number;
  prefixDelegationApplied: boolean;
  notes: string[];
  /** Branch ENIs (pods with their own security groups); null when the resource controller's table lacks the type. */
  branchInterfaces: number | null;
  trunkingCompatible: boolean | null;
  source: string;
}

export function limitsReport(type: string, options: LimitsReport['options']): LimitsReport {
  const l = shippedLimits(type);
  if (!l) throw new UsageError(`instance type "${type}" is not in the shipped limits table (data/instance-limits.json, ${limitsFile().counts.instanceTypes} types); a scan falls back to EC2 DescribeInstanceTypes for such nodes`);
  const cap = podCapacity(l, options);
  const notes: string[] = [];
  if (cap.prefixDelegationNotApplied === 'bare-metal') notes.push('prefix delegation does not apply to bare metal (no hypervisor): secondary IPs are used');
  if (cap.prefixDelegationNotApplied === 'not-nitro') notes.push(`prefix delegation needs Nitro; this type is ${l.hypervisor}: secondary IPs are used`);
  if (options.securityGroupsForPods && l.trunking === false) notes.push('not trunking-compatible: Security Groups for Pods cannot attach a trunk here (no branch ENIs, no slot reserved)');
  if (options.securityGroupsForPods && l.trunking === null) notes.push("not in the resource controller's table: it cannot manage a trunk on this type, although the CNI reserves the slot");
  if (cap.prefixDelegation) notes.push("kubelet's maxPods still caps the node (max-pods-calculator.sh recommends 110 up to 30 vCPUs, else 250)");
  return {
    instanceType: type,
    enis: l.enis,
    totalEnis: l.totalEnis,
    networkCards: l.networkCards,
    ipv4PerEni: l.ipv4PerEni,
    hypervisor: l.hypervisor,
    bareMetal: l.bareMetal,
    maxPods: eniMaxPods(l),
    options,
    podCapacity: cap.maxPods,
    podEniSlots: cap.podEniSlots,
    prefixDelegationApplied: cap.prefixDelegation,
    notes,
    branchInterfaces: branchLimit(l),
    trunkingCompatible: l.trunking,
    source: 'data/instance-limits.json',
  };
}

function formatLimits(r: LimitsReport): string {
  const opts = Object.entries(r.options).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none';
  const rows: Array<[string, string]> = [
    ['instance type', r.instanceType],
    ['ENIs (default card)', `${r.enis}${r.networkCards > 1 ? ` (of ${r.totalEnis} on ${r.networkCards} network cards; only the default card counts)` : ''}`],
    ['IPv4 per ENI', String(r.ipv4PerEni)],
    ['hypervisor', `${r.hypervisor}${r.bareMetal ? ' (bare metal)' : ''}`],
    ['max pods (eni-max-pods.txt)', String(r.maxPods)],
    ['options', opts],
    ['pod capacity', `${r.podCapacity} (${r.podEniSlots} ENI slots for pods${r.prefixDelegationApplied ? ', /28 prefixes' : ''})`],
    ['branch ENIs', r.branchInterfaces === null ? 'unknown' : String(r.branchInterfaces)],
    ['trunking compatible', r.trunkingCompatible === null ? 'unknown' : r.trunkingCompatible ? 'yes' : 'no'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n${r.notes.map((n) => `note: ${n}\n`).join('')}`;
}

export async function limitsCommand(args: string[], io: CliIo, usage: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'prefix-delegation': { type: 'boolean', default: false },
        'custom-networking': { type: 'boolean', default: false },
        sgp: { type: 'boolean', default: false },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: ${LIMITS_USAGE}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return (io.stdout(`${usage}\n`), EXIT.ok);
  if (positionals.length !== 1) throw new UsageError(`limits takes exactly one instance type\nUsage: ${LIMITS_USAGE}`);
  if (v.format !== 'table' && v.format !== 'json') throw new UsageError(`--format must be table or json, got "${v.format}"`);
  const report = limitsReport(positionals[0]!, { prefixDelegation: v['prefix-delegation'], customNetworking: v['custom-networking'], securityGroupsForPods: v.sgp });
  io.stdout(v.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatLimits(report));
  return EXIT.ok;
}
