import { describe, expect, test } from '@jest/globals';
import { formatSelector, matchesSelector, parseSelector, type LabelSelector } from '../../src/util/label-selector.js';

const sel = (raw: unknown): LabelSelector => {
  const p = parseSelector(raw);
  if (!p.ok) throw new Error(p.problem);
  return p.selector;
};
const problem = (raw: unknown): string => {
  const p = parseSelector(raw);
  if (p.ok) throw new Error('expected a problem');
  return p.problem;
};

describe('LabelSelector (apimachinery LabelSelectorAsSelector semantics)', () => {
  test('{} matches everything, including objects without labels', () => {
    expect(matchesSelector(sel({}), {})).toBe(true);
    expect(matchesSelector(sel({ matchLabels: {}, matchExpressions: [] }), { app: 'x' })).toBe(true);
    expect(formatSelector(sel({}))).toBe('(all)');
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    const s = sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] });
    expect(matchesSelector(s, { app: 'web', tier: 'edge' })).toBe(true);
    expect(matchesSelector(s, { app: 'web', tier: 'back' })).toBe(false);
    expect(matchesSelector(s, { app: 'api', tier: 'edge' })).toBe(false);
    expect(matchesSelector(s, { app: 'web' })).toBe(false);
    expect(formatSelector(s)).toBe('app=web,tier in (front,edge)');
  });

  test('NotIn matches a missing label; Exists and DoesNotExist look at the key only', () => {
    const notIn = sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] });
    expect(matchesSelector(notIn, {})).toBe(true);
    expect(matchesSelector(notIn, { env: 'prod' })).toBe(true);
    expect(matchesSelector(notIn, { env: 'dev' })).toBe(false);
    const exists = sel({ matchExpressions: [{ key: 'example.com/team', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist', values: [] }] });
    expect(matchesSelector(exists, { 'example.com/team': '' })).toBe(true);
    expect(matchesSelector(exists, { 'example.com/team': 'a', legacy: 'true' })).toBe(false);
    expect(formatSelector(exists)).toBe('example.com/team,!legacy');
  });

  test('what apimachinery refuses is a problem, never a throw', () => {
    expect(problem({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] })).toMatch(/"Equals" is not a valid label selector operator/);
    expect(problem({ matchExpressions: [{ key: 'app', operator: 'in', values: ['x'] }] })).toMatch(/not a valid label selector operator/);
    expect(problem({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] })).toMatch(/non-empty for In/);
    expect(problem({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] })).toMatch(/empty for Exists/);
    expect(problem({ matchExpressions: [{ operator: 'Exists' }] })).toMatch(/needs a key and an operator/);
    expect(problem({ matchExpressions: 'app=web' })).toMatch(/not a list/);
    expect(problem({ matchLabels: ['app'] })).toMatch(/not a map/);
    expect(problem({ matchLabels: { app: 3 } })).toMatch(/not a string/);
    expect(problem({ matchLabels: { 'bad key!': 'x' } })).toMatch(/not a valid label name/);
    expect(problem({ matchLabels: { 'Bad_Prefix/app': 'x' } })).toMatch(/invalid prefix/);
    expect(problem({ matchLabels: { app: 'has space' } })).toMatch(/label value "has space" is not valid/);
    expect(problem({ matchLabels: { app: 'x'.repeat(64) } })).toMatch(/is not valid/);
    expect(problem('app=web')).toMatch(/not an object/);
    expect(problem([])).toMatch(/not an object/);
  });

  test('empty values and qualified keys are valid', () => {
    expect(matchesSelector(sel({ matchLabels: { 'app.kubernetes.io/name': '' } }), { 'app.kubernetes.io/name': '' })).toBe(true);
  });
});
