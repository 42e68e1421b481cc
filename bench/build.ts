import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The bench's processes, bundled as the CLI and Lambda are (esbuild, packages external). */
export const ENTRIES = {
  'stand-in': 'bench/stand-in/main.ts',
  collect: 'bench/phases/collect.ts',
  check: 'bench/phases/check.ts',
  cleanup: 'bench/phases/cleanup.ts',
} as const;

export type Entry = keyof typeof ENTRIES;

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside node_modules so the bundles resolve their (external) dependencies from the project.
const outdir = `${root}node_modules/.cache/vpc-cni-auditor-bench`;

/**
 * Bundled rather than run through tsx: measured processes then carry no TypeScript loader (tsx
 * keeps a loader thread and its heap), and run the code the way production does.
 */
export async function buildEntries(): Promise<Record<Entry, string>> {
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(ENTRIES).map(([out, entry]) => ({ out, in: entry })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.keys(ENTRIES).map((k) => [k, `${outdir}/${k}.mjs`])) as Record<Entry, string>;
}
