/**
 * jest globalSetup: installs the emulators' binaries once per test run, before
 * any worker starts. Test files then start their own servers (see moto.ts).
 * Failures here must fail the run: a test suite that silently skips its
 * emulators proves nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

export default async function globalSetup(): Promise<void> {
  ensureMoto();

  // ---- Kubernetes harness -------------------------------------------------
  // The kube-apiserver/etcd harness hooks in here:
  //   import { ensureKubeBinaries } from './kube.js';
  //   await ensureKubeBinaries();
  // No try/catch around it: a failed build must fail the run.
  // -------------------------------------------------------------------------
}
