/**
 * Fuzz: tool-argument validation through the real runtime (`createToolRuntime(...).prepare`).
 * Whatever the model sends (garbage JSON, wrong types, extra fields, hostile paths, unknown tool
 * names), prepare resolves (never rejects), refusals carry a model-readable message, accepted
 * calls only touch paths inside the workspace, and prepare has no side effects on disk.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolRuntime } from '../../src/tools/index.js';
import type { ToolRuntime } from '../../src/tools/types.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

let base: string;
let root: string;
let spill: string;
let rt: ToolRuntime;
let names: string[];
let props: Map<string, string[]>;

/** A snapshot of the tree (path → size:mtime) to prove prepare writes nothing. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = statSync(p, { throwIfNoEntry: false });
      out.push(`${p}:${st?.size ?? -1}:${st?.mtimeMs ?? -1}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tether-fuzz-tools-'));
  root = join(base, 'ws');
  spill = join(base, 'spill');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'README.md'), '# hi\n');
  writeFileSync(join(base, 'outside.txt'), 'secret');
  symlinkSync(base, join(root, 'up'));
  rt = createToolRuntime({
    workspace: root,
    spillDir: spill,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    settings: {
      toolTimeoutMs: 5000,
      toolMaxTimeoutMs: 10_000,
      toolInactivityTimeoutMs: 5000,
      toolOutputMaxChars: 4000,
    },
    sandbox: { tier: 'none', requested: 'off', network: true, message: 'sandbox off (fuzz)' },
  });
  names = rt.specs().map((s) => s.name);
  props = new Map(
    rt
      .specs()
      .map((s) => [
        s.name,
        Object.keys(
          ((s as { parameters?: unknown }).parameters as { properties: Record<string, unknown> }).properties,
        ),
      ]),
  );
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const hostilePath = fc.constantFrom(
  '../outside.txt',
  'up/outside.txt',
  '/etc/passwd',
  'file:///etc/passwd',
  '%2e%2e/outside.txt',
  '.git/config',
  'src/a.ts',
  'new/dir/file.ts',
  '',
  '\u0000',
  'a'.repeat(5000),
);

const valueArb = fc.oneof(
  hostilePath,
  fc.jsonValue({ maxDepth: 2 }),
  anyText(40),
  fc.integer(),
  fc.constant(null),
);

/** Arguments shaped like a tool's schema, each field replaced by a random or hostile value. */
function argsFor(name: string): fc.Arbitrary<string> {
  const keys = props.get(name) ?? [];
  return fc
    .tuple(
      fc.dictionary(fc.constantFrom(...keys, 'extra'), valueArb, { maxKeys: keys.length + 1 }),
      fc.boolean(),
    )
    .map(([o, asText]) => (asText ? JSON.stringify(o) : `${JSON.stringify(o).slice(0, -1)}`));
}

function checkPrepared(p: Awaited<ReturnType<ToolRuntime['prepare']>>, callId: string): void {
  expect(p.callId).toBe(callId);
  if (!p.ok) {
    expect(typeof p.output).toBe('string');
    expect(p.output.length).toBeGreaterThan(10);
    expect(p.output).not.toMatch(/TypeError|Cannot read prop|undefined is not/);
    return;
  }
  for (const t of [...p.touches, ...p.subject.paths]) {
    expect(t.startsWith(root) || t.startsWith(spill), `accepted path ${t}`).toBe(true);
  }
}

/** A value valid for one JSON-schema property (types only), biased towards hostile paths. */
function valueFor(name: string, schema: { type?: unknown }): fc.Arbitrary<unknown> {
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type)];
  const arbs: fc.Arbitrary<unknown>[] = [];
  for (const t of types) {
    if (t === 'null') arbs.push(fc.constant(null));
    else if (t === 'integer') arbs.push(fc.integer({ min: -5, max: 1_000_000 }));
    else if (t === 'string' && name === 'patch')
      arbs.push(
        fc
          .tuple(hostilePath, fc.constantFrom('Add File', 'Update File', 'Delete File'))
          .map(
            ([hp, op]) =>
              `*** Begin Patch\n*** ${op}: ${hp}\n${op === 'Delete File' ? '' : op === 'Add File' ? '+x\n' : '@@\n-export const a = 1;\n+x\n'}*** End Patch`,
          ),
      );
    else if (t === 'string') arbs.push(fc.oneof(hostilePath, fc.string({ maxLength: 20 })));
  }
  return arbs.length > 0 ? fc.oneof(...arbs) : fc.constant(null);
}

describe('fuzz: tool-argument validation (prepare)', () => {
  it('arbitrary argument strings for every tool resolve to a ready call or a clear refusal', async () => {
    const before = snapshot(base);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), anyText(120), async (k, raw) => {
        const name = names[k % names.length] as string;
        const p = await rt.prepare({ callId: `c${k}`, name, arguments: raw });
        checkPrepared(p, `c${k}`);
      }),
      fuzzParams(600, 51),
    );
    expect(snapshot(base)).toEqual(before);
  });

  it('schema-shaped arguments with hostile values never escape the workspace', async () => {
    const before = snapshot(base);
    const arb = fc.integer({ min: 0, max: 1000 }).chain((k) => {
      const name = names[k % names.length] as string;
      return argsFor(name).map((a) => ({ name, a, k }));
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ name, a, k }) => {
        const p = await rt.prepare({ callId: `c${k}`, name, arguments: a });
        checkPrepared(p, `c${k}`);
      }),
      fuzzParams(1200, 52),
    );
    expect(snapshot(base)).toEqual(before);
  });

  it('schema-valid arguments with hostile paths: accepted calls stay inside the workspace', async () => {
    const before = snapshot(base);
    const accepted = { n: 0 };
    const arb = fc.integer({ min: 0, max: 1000 }).chain((k) => {
      const spec = rt.specs()[k % names.length];
      const schema = (spec as { parameters?: unknown } | undefined)?.parameters as {
        properties: Record<string, { type?: unknown }>;
      };
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(schema.properties)) rec[key] = valueFor(key, sub);
      return fc.record(rec).map((args) => ({ name: spec?.name ?? '', args, k }));
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ name, args, k }) => {
        const p = await rt.prepare({ callId: `c${k}`, name, arguments: JSON.stringify(args) });
        checkPrepared(p, `c${k}`);
        if (p.ok) accepted.n++;
      }),
      fuzzParams(1200, 54),
    );
    // The property is not vacuous: many calls pass validation and reach the path checks.
    expect(accepted.n).toBeGreaterThan(100);
    expect(snapshot(base)).toEqual(before);
  });

  it('unknown tool names (incl. prototype keys) are refused with the list of tools', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'SHELL', 'shell ', ''),
          fc.string({ maxLength: 12 }),
        ),
        async (name) => {
          fc.pre(!names.includes(name));
          const p = await rt.prepare({ callId: 'x', name, arguments: '{}' });
          expect(p.ok).toBe(false);
          if (!p.ok) expect(p.output).toMatch(/Unknown tool/);
        },
      ),
      fuzzParams(200, 53),
    );
  });
});
