/** Loading, validating and expanding scenarios (`fixtures/scenarios/<name>.json`, a path, or an object). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fixturesDir } from '../util/paths.js';
import type { Scenario, ScenarioStep, ScenarioTurn } from './scenario-types.js';

/** Folder holding the shipped scenarios. */
export function scenariosDir(): string {
  return join(fixturesDir(), 'scenarios');
}

/** Names of the shipped scenarios (file names without `.json`), sorted. */
export function listScenarios(): string[] {
  const dir = scenariosDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function substitute(value: unknown, i: number): unknown {
  if (typeof value === 'string') return value.replace(/\{\{i\}\}/g, String(i));
  if (Array.isArray(value)) return value.map((v) => substitute(v, i));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, i)]));
  return value;
}

function expandSteps(steps: ScenarioStep[]): ScenarioStep[] {
  const out: ScenarioStep[] = [];
  for (const step of steps) {
    const n = step.repeat ?? 1;
    const { repeat: _repeat, ...rest } = step;
    for (let i = 1; i <= n; i++) {
      const copy = substitute(rest, i) as ScenarioStep;
      if (i > 1) delete copy.id;
      out.push(copy);
    }
  }
  return out;
}

function checkStep(step: unknown, where: string): void {
  if (!isObject(step)) throw new Error(`${where}: a step must be an object`);
  const calls = [
    ...(step['call'] !== undefined ? [step['call']] : []),
    ...(Array.isArray(step['calls']) ? step['calls'] : []),
  ];
  for (const c of calls) {
    if (!isObject(c) || typeof c['tool'] !== 'string')
      throw new Error(`${where}: a call needs a "tool" name`);
  }
  if (step['calls'] !== undefined && !Array.isArray(step['calls']))
    throw new Error(`${where}: "calls" must be an array`);
  if (step['repeat'] !== undefined && (typeof step['repeat'] !== 'number' || step['repeat'] < 1)) {
    throw new Error(`${where}: "repeat" must be a positive number`);
  }
  if (step['branches'] !== undefined) {
    if (!Array.isArray(step['branches'])) throw new Error(`${where}: "branches" must be an array`);
    step['branches'].forEach((b: unknown, i: number) => {
      checkStep(b, `${where}.branches[${i}]`);
    });
  }
}

/** Validates an untrusted scenario value and expands `repeat` steps. Throws a one-line error. */
export function validateScenario(value: unknown, origin = 'scenario'): Scenario {
  if (!isObject(value)) throw new Error(`${origin}: not a JSON object`);
  if (typeof value['name'] !== 'string') throw new Error(`${origin}: missing "name"`);
  let turns = value['turns'];
  if (turns === undefined && Array.isArray(value['steps'])) turns = [{ steps: value['steps'] }];
  if (!Array.isArray(turns) || turns.length === 0) throw new Error(`${origin}: needs "turns" (or "steps")`);
  const outTurns: ScenarioTurn[] = turns.map((t: unknown, ti: number) => {
    if (!isObject(t) || !Array.isArray(t['steps'])) throw new Error(`${origin}: turns[${ti}] needs "steps"`);
    t['steps'].forEach((s: unknown, si: number) => {
      checkStep(s, `${origin}: turns[${ti}].steps[${si}]`);
    });
    return { ...(t as unknown as ScenarioTurn), steps: expandSteps(t['steps'] as ScenarioStep[]) };
  });
  const { steps: _steps, ...rest } = value;
  return { ...(rest as unknown as Scenario), turns: outTurns };
}

/** Loads a scenario by shipped name, file path, or object (validated and expanded). */
export function loadScenario(nameOrPath: string | Scenario): Scenario {
  if (typeof nameOrPath !== 'string') return validateScenario(nameOrPath, nameOrPath.name ?? 'scenario');
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || isAbsolute(nameOrPath);
  const file = looksLikePath ? resolve(nameOrPath) : join(scenariosDir(), `${nameOrPath}.json`);
  if (!existsSync(file)) {
    const known = listScenarios();
    throw new Error(`unknown scenario "${nameOrPath}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`scenario ${file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return validateScenario(parsed, file);
}
