import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { renderFindingsDoc } from '../../src/check/findings-doc.js';
import { codeCatalog } from '../../src/check/registry.js';

describe('documentation', () => {
  test('docs/findings.md is generated from the current checks (run npm run docs:findings)', () => {
    expect(readFileSync('docs/findings.md', 'utf8')).toBe(renderFindingsDoc());
  });

  test('every code has a meaning, a reason and a fix, and codes are unique across checks', () => {
    const catalog = codeCatalog();
    expect(catalog.size).toBeGreaterThan(0);
    for (const [code, info] of catalog) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(info.title.length).toBeGreaterThan(10);
      expect(info.why.length).toBeGreaterThan(10);
      expect(info.fix.length).toBeGreaterThan(10);
    }
  });
});
