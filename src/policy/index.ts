/** Approval policy and sandbox: the public surface of `src/policy/`. */
export {
  type AllowRules,
  addAllowRule,
  allowRulesPath,
  formatRule,
  legacyRulesWarning,
  loadAllowRules,
  loadAllRules,
  matchesAllowRules,
  mcpRule,
  mcpToolAllowed,
  projectKey,
  removeAllowRule,
  suggestAllowRule,
} from './allow-rules.js';
export {
  type CommandClass,
  classifyCommand,
  isDangerousCommand,
  isKnownSafeCommand,
  parsePlainCommands,
} from './command-safety.js';
export { type ApprovalMode, decide, type PolicyDecision } from './decide.js';
export { classifyProbeFailure, detectSandbox, type SandboxInfo } from './sandbox.js';
