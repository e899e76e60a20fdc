/**
 * The Responses simulator: a local implementation of the OpenAI Responses API over WebSocket
 * and HTTP+SSE, driven by scenario scripts, with fault injection and a recorder.
 * See `src/simulator/README.md`.
 */
export { prepareDemoWorkspace } from './demo.js';
export { parseFaultFlag } from './fault-flags.js';
export type {
  DropFault,
  ErrorFault,
  FaultSpec,
  FaultTarget,
  HttpStatusFault,
  MalformedFault,
  RefuseFault,
  SilenceFault,
} from './faults.js';
export { mergeFaults } from './faults.js';
export { listScenarios, loadScenario, scenariosDir, validateScenario } from './scenario-load.js';
export type {
  CallSpec,
  Condition,
  GeneratedText,
  Scenario,
  ScenarioStep,
  ScenarioTurn,
  StepBody,
} from './scenario-types.js';
export { startSimulator } from './server.js';
export type { RecordedRequest, Recorder, Simulator, SimulatorOptions } from './types.js';
