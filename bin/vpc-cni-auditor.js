#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run automatically by npm ci).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('vpc-cni-auditor is not built yet: run `npm run build` (npm ci does it for you).\n');
  process.exit(2);
}
await import(bundle.href);
