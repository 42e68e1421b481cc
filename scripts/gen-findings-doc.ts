// Writes docs/findings.md from the checks' own code declarations (`npm run docs:findings`).
// test/unit/docs.test.ts fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { renderFindingsDoc } from '../src/check/findings-doc.js';

writeFileSync(new URL('../docs/findings.md', import.meta.url), renderFindingsDoc());
