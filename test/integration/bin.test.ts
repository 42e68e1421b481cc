import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { awsTestEnv, clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

/** Runs the installed entry point exactly as `npx vpc-cni-auditor …` does: a separate Node process. */
function bin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/vpc-cni-auditor.js', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let moto: MotoServer;
const dir = mkdtempSync(join(tmpdir(), 'vca-bin-'));
beforeAll(async () => {
  moto = await startMoto();
  await seedEstate(new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint))));
});
afterAll(async () => {
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the vpc-cni-auditor executable', () => {
  test('npm run demo’s command works and exits 0', async () => {
    const r = await bin(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Cleanup plan (dry run');
  });

  test('unknown flags exit 2 with a message on stderr', async () => {
    const r = await bin(['cleanup', '--exceute']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--exceute'");
  });

  test('against moto: --fail-on critical exits 1 because a deleted cluster left ENIs', async () => {
    const r = await bin(['scan', '--fail-on', 'critical', '--format', 'json', '--state', join(dir, 'state.json')], { ...awsTestEnv(moto.endpoint) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { summary: { critical: number } };
    expect(doc.summary.critical).toBe(3);
  });

  test('an unreachable endpoint fails with exit 3 and a readable error', async () => {
    const r = await bin(['scan', '--state', join(dir, 'other.json')], {
      ...awsTestEnv('http://127.0.0.1:9'), VPC_CNI_AUDITOR_MAX_ATTEMPTS: '1',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: /);
  });
});
