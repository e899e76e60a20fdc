/** Approval policy and sandbox: the public surface of `src/policy/`. */
export {
  type AllowRules,
  addAllowRule,
  approvalsPath,
  loadAllowRules,
  matchesAllowRules,
  suggestAllowPrefix,
} from './allow-rules.js';
export { isDangerousCommand, isKnownSafeCommand, parsePlainCommands } from './command-safety.js';
export { type ApprovalMode, decide, type PolicyDecision } from './decide.js';
export { classifyProbeFailure, detectSandbox, type SandboxInfo } from './sandbox.js';
