import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { runCli } from '../fixtures/cli.js';

const DEMO = join(process.cwd(), 'examples', 'demo-env');
const GONE = 'sg-0bb00000000000c03';
type Doc = { findings: Array<{ code: string; severity: string; resource: { id: string }; details: Record<string, unknown> }> };
const sgpCodes = (doc: Doc) => doc.findings.filter((f) => /^(SGP_|POD_STUCK|PODS_NO_IP|NODE_NO_TRUNK)/.test(f.code)).map((f) => `${f.code}:${f.severity}:${f.resource.id}`).sort();

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
async function demoCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vca-sgp-demo-'));
  dirs.push(dir);
  await cp(DEMO, dir, { recursive: true });
  return dir;
}

describe('the demo: a SecurityGroupPolicy naming a deleted group', () => {
  test('the stuck checkout pod and the policy, nothing else', async () => {
    const r = await runCli(['scan', '--snapshot', DEMO, '--format', 'json']);
    const doc = r.json() as Doc;
    expect(sgpCodes(doc)).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/checkout/checkout-sgp/${GONE}`, 'SGP_UNKNOWN_SG:critical:shop/checkout-sgp']);
    const stuck = doc.findings.find((f) => f.code === 'POD_STUCK_INVALID_SG')!;
    expect(stuck.details).toMatchObject({ pods: ['checkout-4f4b11afa9-cd547'], missingGroupIds: [GONE], stuckSince: '2026-11-20T11:31:40Z', stuckSeconds: 1700, firstFailureAt: '2026-11-20T11:31:43Z' });
    expect(doc.findings.find((f) => f.code === 'SGP_UNKNOWN_SG')!.details).toMatchObject({ selectedPods: 8, stuckPods: 1, missingGroupIds: [GONE] });
  });

  test('hand-made files: without describe-security-groups.json nothing proves a group missing; LookedUpGroupIds limits the proof', async () => {
    const dir = await demoCopy();
    const groups = JSON.parse(await readFile(join(dir, 'describe-security-groups.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'describe-security-groups.json'), JSON.stringify({ ...groups, LookedUpGroupIds: ['sg-0bb00000000000c01'] }));
    const limited = (await runCli(['scan', '--snapshot', dir, '--format', 'json'])).json() as Doc;
    expect(sgpCodes(limited)).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/checkout/checkout-sgp/${GONE}`]);
    await rm(join(dir, 'describe-security-groups.json'));
    const none = (await runCli(['scan', '--snapshot', dir, '--format', 'json'])).json() as Doc;
    expect(sgpCodes(none)).toEqual([`POD_STUCK_INVALID_SG:critical:shop/Deployment/checkout/checkout-sgp/${GONE}`]);
  });

  test('--sgs-per-eni sets the per-ENI quota SGP_TOO_MANY_SGS compares against', async () => {
    const r = await runCli(['scan', '--snapshot', DEMO, '--format', 'json', '--sgs-per-eni', '2']);
    expect(sgpCodes(r.json() as Doc)).toContain('SGP_TOO_MANY_SGS:critical:shop/checkout-sgp');
    const bad = await runCli(['scan', '--snapshot', DEMO, '--sgs-per-eni', '17']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/invalid option sgp\.securityGroupsPerEni/)]);
  });
});
