/** Every benchmark section, in run order (cheap in-process ones first, Codex last). */
import type { Section } from '../context.js';
import { runCodex } from './codex.js';
import { runRender, runSessionsList } from './external.js';
import { runLoop } from './loop.js';
import { runMemory } from './memory.js';
import { runOverhead } from './overhead.js';
import { runProfile } from './profile.js';
import { runRotation } from './rotation.js';
import { runStartup } from './startup.js';

/** The sections `bench/run.mjs` runs. */
export const SECTIONS: readonly Section[] = [
  { id: 'loop', name: 'Agent loop: WebSocket vs HTTP', run: runLoop },
  { id: 'overhead', name: 'Client overhead per turn', run: runOverhead },
  { id: 'rotation', name: 'Rotation cost', run: runRotation },
  { id: 'startup', name: 'Startup', run: runStartup },
  { id: 'render', name: 'Streaming render', run: runRender },
  { id: 'memory', name: 'Memory over a long session', run: runMemory },
  { id: 'sessions', name: 'Session list (1,000 sessions)', run: runSessionsList },
  { id: 'codex', name: 'Side by side with Codex CLI', run: runCodex },
  { id: 'profile', name: 'Real login profile (HOME with a ~100 ms profile)', run: runProfile },
];
