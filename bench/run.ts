import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseBenchArgs, USAGE } from './args.js';
import { buildEntries } from './build.js';
import { chart, cleanupTable, goals, goalsTable, growthTable, requestsTable, sizesTable } from './report.js';
import { runCleanupBench, type CleanupBench } from './run-cleanup.js';
import { runSize, type SizeResult } from './run-size.js';

/**
 * `npm run bench`: for each size, a synthetic estate behind a local stand-in of EC2, EKS and the
 * Kubernetes API; the product's collection and checks timed in their own processes; then a cleanup
 * under a simulated EC2 rate limit. Prints tables, optionally writes JSON (--json FILE).
 */
/** The commit measured, and whether src/ had uncommitted changes (they are measured too). */
function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => console.error(line);
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100), code: codeVersion() };
  log(`bench: ${machine.cpus} × ${machine.model}, load ${machine.loadAverageAtStart.join(' ')}, code ${machine.code}; sizes ${args.sizes.map((s) => s.enis).join(', ')}`);
  const bundles = await buildEntries();

  const results: SizeResult[] = [];
  for (const size of args.sizes) {
    log(`size ${size.enis} ENIs, ${size.nodes} nodes, ${size.pods} pods, ${size.events} events`);
    results.push(await runSize(size, args, bundles, log));
  }
  let cleanup: CleanupBench | null = null;
  if (args.cleanup > 0) {
    log(`cleanup of ${args.cleanup} orphans, DeleteNetworkInterface limited to ${args.cleanupRate}/s (burst ${args.cleanupBurst})`);
    cleanup = await runCleanupBench(args, bundles, log);
  }
  const verdicts = goals(results, cleanup);

  const out: string[] = ['## Sweep per size', '', sizesTable(results), '', '## Growth (check-phase CPU, median)', '', chart(results), '', growthTable(results), ''];
  const largest = results[results.length - 1];
  if (largest) out.push(`## Requests per operation at ${largest.size.enis} ENIs`, '', requestsTable(largest), '');
  if (cleanup) out.push('## Cleanup under a simulated EC2 rate limit', '', cleanupTable(cleanup), '');
  out.push('## Goals', '', goalsTable(verdicts), '');
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.size.enis} ENIs: ${p}`));
  if (cleanup && cleanup.result.deleted !== cleanup.orphans) problems.push(`cleanup: ${cleanup.result.deleted} of ${cleanup.orphans} deleted (${cleanup.result.sampleSkip ?? 'no skip reason'})`);
  if (problems.length) out.push('## INVALID: the measured path is broken', '', ...problems.map((p) => `- ${p}`), '');
  console.log(out.join('\n'));

  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify({ machine, args, results, cleanup, goals: verdicts, problems }, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  // A broken measured path fails the run; a missed goal is a finding, not a failure.
  return problems.length ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 2;
});
