import { CHECKS } from './registry.js';
import type { CodeInfo } from './define.js';

/** docs/findings.md, rendered from the registered checks: the docs cannot drift from the code. */
export function renderFindingsDoc(): string {
  const lines: string[] = [
    '# Finding codes',
    '',
    '<!-- Generated from src/check/*.ts by `npm run docs:findings`. Do not edit by hand. -->',
    '',
    'Every finding has a stable code, a default severity, a one-line meaning, why it matters and how to fix it.',
    'Severities: `critical` (act now), `warning` (act soon), `info` (worth knowing). `--fail-on` compares against them.',
    '',
    '| code | severity | meaning | check |',
    '| --- | --- | --- | --- |',
  ];
  const entries: Array<[string, CodeInfo, string]> = [];
  for (const c of CHECKS) for (const [code, info] of Object.entries<CodeInfo>(c.codes)) entries.push([code, info, c.id]);
  for (const [code, info, check] of entries) lines.push(`| [${code}](#${code.toLowerCase()}) | ${info.severity} | ${info.title} | \`${check}\` |`);
  lines.push('');
  for (const [code, info, check] of entries) {
    lines.push(`## ${code}`, '', `**${info.title}**`, '', `- Default severity: \`${info.severity}\``, `- Check: \`${check}\` (\`src/check/${check}.ts\`)`, '', `**Why it matters.** ${info.why}`, '', `**How to fix.** ${info.fix}`, '');
  }
  return `${lines.join('\n')}`;
}
