/**
 * Module boundaries from STYLE.md §2.2, checked on the source import graph: ui/ is the only
 * React/Ink importer, protocol/ depends on nothing, transport/ knows nothing of turns or tools,
 * and the core never imports the UI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const IMPORT_RE =
  /(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? '';
    out.push({ spec, typeOnly: /^(?:import|export)\s+type\s/.test(m[0]) });
  }
  return out;
}

function moduleOf(file: string): string {
  return relative(SRC, file).split('/')[0] ?? '';
}

function targetModule(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return moduleOf(resolve(file, '..', spec));
}

const RULES: Record<string, { noPackages?: string[]; noModules?: string[] }> = {
  protocol: {
    noModules: ['transport', 'session', 'agent', 'tools', 'policy', 'ui', 'cli', 'store', 'simulator'],
  },
  transport: {
    noPackages: ['react', 'ink', 'chalk'],
    noModules: ['session', 'agent', 'tools', 'ui', 'cli', 'store'],
  },
  session: { noPackages: ['react', 'ink', 'chalk'], noModules: ['agent', 'tools', 'ui', 'cli'] },
  agent: { noPackages: ['react', 'ink', 'chalk'], noModules: ['ui', 'cli'] },
  tools: { noPackages: ['react', 'ink', 'chalk'], noModules: ['session', 'agent', 'ui', 'cli'] },
  policy: { noPackages: ['react', 'ink', 'chalk'], noModules: ['session', 'agent', 'ui', 'cli'] },
  store: { noPackages: ['react', 'ink'], noModules: ['ui', 'cli'] },
  simulator: { noPackages: ['react', 'ink'], noModules: ['session', 'agent', 'ui', 'cli', 'transport'] },
  mcp: { noPackages: ['react', 'ink', 'chalk'], noModules: ['session', 'agent', 'ui', 'cli'] },
  config: { noPackages: ['react', 'ink'], noModules: ['ui', 'agent', 'session'] },
  util: { noPackages: ['react', 'ink'], noModules: ['ui', 'agent', 'session', 'cli'] },
};

describe('module boundaries (STYLE.md §2.2)', () => {
  const all = files(SRC);

  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it('only src/ui imports react or ink at run time (cli/modes may lazily import ui)', () => {
    const offenders = all.filter((f) => {
      const mod = moduleOf(f);
      if (mod === 'ui') return false;
      return imports(f).some(({ spec, typeOnly }) => !typeOnly && /^(react|ink)(\/|$)/.test(spec));
    });
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it.each(Object.entries(RULES))('%s respects its import rules', (mod, rule) => {
    const violations: string[] = [];
    for (const f of all.filter((x) => moduleOf(x) === mod)) {
      for (const { spec, typeOnly } of imports(f)) {
        const target = targetModule(f, spec);
        if (target && !typeOnly && rule.noModules?.includes(target))
          violations.push(`${relative(SRC, f)} -> ${spec}`);
        if (!spec.startsWith('.') && rule.noPackages?.some((p) => spec === p || spec.startsWith(`${p}/`))) {
          violations.push(`${relative(SRC, f)} -> ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
