/**
 * Generates data/instance-limits.json from the upstream tables kept in ../shared/data (or the folder
 * given as the first argument):
 *
 *   vpc-limits.json          VPC resource controller pkg/aws/vpc/limits.go (trunking, branch ENIs)
 *   cni-instance-limits.json VPC CNI pkg/vpc/vpc_ip_resource_limit.go (ENIs, IPv4 per ENI, cards, hypervisor)
 *   eni-max-pods.txt         VPC CNI misc/eni-max-pods.txt (published max pods; used here as a cross-check)
 *
 * Usage: npx tsx scripts/gen-instance-limits.ts [DATA_DIR]
 *
 * Rules (also written into the file's provenance):
 * - ENI and IPv4 figures come from the CNI table; types only the resource controller lists (i3.metal)
 *   take them from its table. Where both list a type they agree (checked below, the run fails otherwise).
 * - trunking and branch limits come only from the resource controller's table: a type it lacks gets
 *   null (RC cannot manage its trunk, whatever the CNI assumes).
 * - hypervisor: RC writes "" and the CNI "unknown" for bare metal; both become "unknown".
 * - every row of eni-max-pods.txt must equal maxPods() of the generated entry, or the run fails.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eniMaxPods } from '../src/limits/pod-capacity.js';
import type { InstanceLimits, InstanceLimitsFile } from '../src/limits/instance-limits.js';

interface Card { index: number; maximumNetworkInterfaces: number }
interface RcEntry { interfaces: number; ipv4PerInterface: number; isTrunkingCompatible: boolean; branchInterfaces: number; networkCards: Card[]; defaultNetworkCardIndex: number; hypervisorType: string; isBareMetal: boolean }
interface CniEntry { enis: number; ipv4PerEni: number; networkCards: Card[]; defaultNetworkCardIndex: number; hypervisorType: string; isBareMetal: boolean }
interface Source { repo: string; path: string; commit: string; [k: string]: unknown }

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data'));
const read = (name: string) => readFileSync(join(dataDir, name), 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const rcText = read('vpc-limits.json');
const cniText = read('cni-instance-limits.json');
const maxPodsText = read('eni-max-pods.txt');
const rc = JSON.parse(rcText) as { source: Source; instanceTypes: Record<string, RcEntry> };
const cni = JSON.parse(cniText) as { source: Source; instanceTypes: Record<string, CniEntry> };

const defaultCardEnis = (cards: Card[], index: number, type: string): number => {
  const card = cards.find((c) => c.index === index);
  if (!card) throw new Error(`${type}: no network card with the default index ${index}`);
  return card.maximumNetworkInterfaces;
};
const hypervisor = (h: string): InstanceLimits['hypervisor'] => (h === 'nitro' || h === 'xen' ? h : 'unknown');

const types: Record<string, InstanceLimits> = {};
const notes: string[] = [];
for (const name of [...new Set([...Object.keys(cni.instanceTypes), ...Object.keys(rc.instanceTypes)])].sort()) {
  const c = cni.instanceTypes[name];
  const r = rc.instanceTypes[name];
  const cards = c?.networkCards ?? r!.networkCards;
  const defaultIndex = c?.defaultNetworkCardIndex ?? r!.defaultNetworkCardIndex;
  const entry: InstanceLimits = {
    enis: defaultCardEnis(cards, defaultIndex, name),
    totalEnis: cards.reduce((n, card) => n + card.maximumNetworkInterfaces, 0),
    ipv4PerEni: c?.ipv4PerEni ?? r!.ipv4PerInterface,
    networkCards: cards.length,
    hypervisor: hypervisor(c?.hypervisorType ?? r!.hypervisorType),
    bareMetal: c?.isBareMetal ?? r!.isBareMetal,
    trunking: r ? r.isTrunkingCompatible : null,
    branchInterfaces: r ? r.branchInterfaces : null,
  };
  if (c && r) {
    const same = c.ipv4PerEni === r.ipv4PerInterface && c.isBareMetal === r.isBareMetal && JSON.stringify(c.networkCards) === JSON.stringify(r.networkCards)
      && entry.totalEnis === r.interfaces;
    if (!same) throw new Error(`${name}: the CNI and resource controller tables disagree`);
    // Only hypervisor may differ (c7g.metal: CNI "nitro", RC ""); the CNI's value is kept and noted.
    if (hypervisor(c.hypervisorType) !== hypervisor(r.hypervisorType)) notes.push(`${name}: hypervisor "${c.hypervisorType}" in the CNI table, "${r.hypervisorType}" in the RC table; the CNI value is kept (bareMetal=${entry.bareMetal})`);
  }
  types[name] = entry;
}

// Cross-check against the published table before writing anything.
let checked = 0;
for (const line of maxPodsText.split('\n')) {
  const m = /^([a-z0-9][\w.-]*)\s+(\d+)\s*$/.exec(line);
  if (!m) continue;
  const entry = types[m[1]!];
  if (!entry) throw new Error(`eni-max-pods.txt lists ${m[1]}, which no table has`);
  if (eniMaxPods(entry) !== Number(m[2])) throw new Error(`${m[1]}: computed max pods ${eniMaxPods(entry)}, eni-max-pods.txt says ${m[2]}`);
  checked++;
}

const file: InstanceLimitsFile = {
  format: 'vpc-cni-auditor-instance-limits/1',
  provenance: {
    generatedBy: 'scripts/gen-instance-limits.ts',
    inputs: [
      { file: 'vpc-limits.json', sha256: sha256(rcText), ...rc.source },
      { file: 'cni-instance-limits.json', sha256: sha256(cniText), ...cni.source },
      { file: 'eni-max-pods.txt', sha256: sha256(maxPodsText), repo: 'aws/amazon-vpc-cni-k8s', path: 'misc/eni-max-pods.txt', commit: cni.source.commit, rows: checked },
    ],
    rules: [
      'enis = MaximumNetworkInterfaces of the default network card (CNI table; RC table for types only it lists); totalEnis = all cards',
      'ipv4PerEni, networkCards, hypervisor, bareMetal from the CNI table (RC where the CNI lacks the type); both agree where both list it',
      'trunking and branchInterfaces from the VPC resource controller table only; null when it lacks the type',
      'hypervisor: "" (RC) and "unknown" (CNI) both become "unknown"',
      ...notes,
      'maxPods is not stored: enis * (ipv4PerEni - 1) + 2 equals eni-max-pods.txt for every row (checked at generation and by test/unit/instance-limits.test.ts)',
    ],
  },
  counts: {
    instanceTypes: Object.keys(types).length,
    withBranchLimits: Object.values(types).filter((t) => t.branchInterfaces !== null).length,
    trunkingCompatible: Object.values(types).filter((t) => t.trunking === true).length,
  },
  instanceTypes: types,
};

// One instance type per line: small diffs when upstream tables change.
const body = Object.entries(types).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
const head = JSON.stringify({ ...file, instanceTypes: '@@TYPES@@' }, null, 2);
const out = head.replace('"@@TYPES@@"', `{\n${body}\n  }`);
JSON.parse(out);
writeFileSync(join(root, 'data', 'instance-limits.json'), `${out}\n`);
process.stdout.write(`data/instance-limits.json: ${file.counts.instanceTypes} types (${file.counts.withBranchLimits} with branch limits), ${checked} eni-max-pods.txt rows checked\n`);
