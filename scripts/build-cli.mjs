// Bundles the CLI into dist/cli.js (run by `npm ci` through the prepare script). Dependencies
// stay external: they are in node_modules next to it.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
