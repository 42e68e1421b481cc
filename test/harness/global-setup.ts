/**
 * jest globalSetup: installs the emulators' binaries once per test run, before
 * any worker starts. Test files then start their own servers (moto.ts, kube.ts).
 * Failures here must fail the run: a test suite that silently skips its
 * emulators proves nothing.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Kube from './kube.js';

const SETUP_MOTO = fileURLToPath(new URL('./setup-moto.sh', import.meta.url));

function ensureMoto(): void {
  // stdio inherited: the one-time pip install takes about a minute and should show progress.
  const result = spawnSync('bash', [SETUP_MOTO], { stdio: 'inherit' });
  if (result.error) {
    throw new Error(`globalSetup: could not run ${SETUP_MOTO}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(
      `globalSetup: ${SETUP_MOTO} failed (exit ${result.status ?? `signal ${result.signal}`}); ` +
        'see its output above. Needs python3 with venv and access to PyPI.',
    );
  }
}

/**
 * jest loads globalSetup with require() through its transform hook, but
 * without moduleNameMapper, so a static `import './kube.js'` finds no file
 * (only kube.ts exists). Require the .ts itself; the hook compiles it. Keep
 * kube.ts free of relative .js imports for the same reason.
 */
function loadKube(): typeof Kube {
  return createRequire(import.meta.url)('./kube.ts') as typeof Kube;
}

/** Bundles the CLI (dist/cli.js), so tests that spawn the real `vpc-cni-auditor` bin run today's code. */
function buildCli(): void {
  const script = fileURLToPath(new URL('../../scripts/build-cli.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit', cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  if (result.status !== 0) throw new Error(`globalSetup: building the CLI failed (exit ${result.status ?? result.signal})`);
}

export default async function globalSetup(): Promise<void> {
  buildCli();
  ensureMoto();

  // ---- Kubernetes harness -------------------------------------------------
  // kube-apiserver + etcd, built from the Go module proxy on first use (many
  // minutes) and cached afterwards. Built here, outside any per-test timeout.
  // No try/catch: a failed build must fail the run.
  await loadKube().ensureKubeBinaries();
  // -------------------------------------------------------------------------
}
