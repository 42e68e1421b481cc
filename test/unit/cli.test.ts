import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../fixtures/cli.js';

const DEMO = join(process.cwd(), 'examples', 'demo-env');

describe('CLI', () => {
  test('--help documents every command and exits 0; no command exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['scan', 'cleanup', 'snapshot', 'demo', '--execute', '--fail-on', '--max-deletes', '--grace']) expect(help.stdout).toContain(cmd);
    expect((await runCli([])).code).toBe(2);
  });

  test.each([
    [['scan', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['scan', '--snapshot', DEMO, '--format', 'yaml'], /--format must be table or json/],
    [['scan', '--snapshot', DEMO, '--fail-on', 'severe'], /unknown severity "severe"/],
    [['cleanup', '--snapshot', DEMO, '--grace', '15 minutes'], /--grace: invalid duration/],
    [['cleanup', '--snapshot', DEMO, '--max-deletes=-1'], /invalid option cleanup.maxDeletes/],
    [['cleanup', '--snapshot', DEMO, '--max-deletes', 'lots'], /--max-deletes must be a whole number/],
    [['cleanup', '--snapshot', DEMO, '--breaker-max-share', '1.5'], /invalid option cleanup.breakerMaxShare/],
    [['cleanup', '--snapshot', DEMO, '--execute'], /--execute cannot be used with --snapshot/],
    [['scan', '--snapshot', DEMO, '--cluster', '../etc'], /not a valid EKS cluster name/],
    [['scan'], /no AWS region/],
    [['snapshot', '--region', 'us-east-1'], /snapshot needs --out/],
    [['scan', '--snapshot', 'no/such/folder'], /snapshot folder .* cannot be read/],
  ])('%j is rejected with exit 2 and a clear message', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('--fail-on gates on the worst finding', async () => {
    expect((await runCli(['scan', '--snapshot', DEMO, '--fail-on', 'critical'])).code).toBe(1);
    // shop-prod's worst is its stuck SGP pod (critical); a cluster with nothing found passes any gate.
    expect((await runCli(['scan', '--snapshot', DEMO, '--cluster', 'shop-prod', '--fail-on', 'critical'])).code).toBe(1);
    expect((await runCli(['scan', '--snapshot', DEMO, '--cluster', 'billing', '--fail-on', 'info'])).code).toBe(0);
  });

  test('scan JSON has the documented shape', async () => {
    const r = await runCli(['scan', '--snapshot', DEMO, '--format', 'json']);
    const doc = r.json();
    expect(Object.keys(doc).sort()).toEqual(['collectedAt', 'findings', 'gaps', 'region', 'schemaVersion', 'scope', 'source', 'summary']);
    const findings = doc.findings as Array<Record<string, unknown>>;
    for (const f of findings) expect(Object.keys(f).sort()).toEqual(['cluster', 'code', 'details', 'reason', 'region', 'resource', 'severity']);
    // 9 ENI findings, shop-prod's 4 capacity warnings (node IPs, branch ENIs, pending pods, subnet) and its 2 SGP criticals.
    expect(doc.summary).toEqual({ critical: 4 + 2, warning: 3 + 4, info: 2, total: 9 + 4 + 2 });
  });

  test('table output ends with a summary line', async () => {
    const r = await runCli(['scan', '--snapshot', DEMO]);
    expect(r.stdout).toMatch(/15 findings: 6 critical, 7 warning, 2 info \(region us-west-2, snapshot as of 2026-11-20T12:00:00.000Z\)/);
  });

  test('demo prints the scan and a dry-run plan', async () => {
    const r = await runCli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== scan ==');
    expect(r.stdout).toContain('Cleanup plan (dry run: nothing is deleted; add --execute to delete)');
  });
});
