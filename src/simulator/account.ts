/**
 * How the service answers requests an account or model does not accept (PROTOCOL §10.1), worded
 * as the service words them: unverified organizations and `reasoning.summary`, models without
 * reasoning and `reasoning` / encrypted reasoning, exhausted quota, unknown models, and the
 * rate-limit and context-window failures of §10.2.
 */
import type { ApiError } from './conversation.js';
import { invalidRequest } from './conversation.js';
import { accountSwitch, type FaultSpec } from './faults.js';

/** Models `GET /models` lists (and `strictModels` accepts). */
export const SIM_MODELS = ['gpt-5.5', 'gpt-5.4', 'gpt-5.6', 'gpt-sim', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4o'];

/** Whether a model reasons (the service's gpt-4.1 / gpt-4o / gpt-4 / gpt-3.5 families do not). */
export function simModelReasons(model: string): boolean {
  return !/^(gpt-4\.1|gpt-4o|chatgpt-4o|gpt-4($|-)|gpt-3\.5)/.test(model);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The 429 the service gives an account without quota, or whose plan does not include API usage. */
export function quotaError(code: string | undefined): ApiError {
  if (code === 'usage_not_included') {
    return {
      status: 429,
      type: 'usage_not_included',
      code: 'usage_not_included',
      param: null,
      message:
        'Your current plan does not include API usage. Upgrade your plan or use a project with API billing.',
    };
  }
  return {
    status: 429,
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    param: null,
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
  };
}

/** The refusal an account/model gives `body`, or undefined when it accepts it. */
export function accountRefusal(body: Record<string, unknown>, specs: FaultSpec[]): ApiError | undefined {
  const model = String(body['model']);
  const quota = accountSwitch(specs, 'quota');
  if (quota) return quotaError(quota);
  if (accountSwitch(specs, 'strictModels') && !SIM_MODELS.includes(model)) {
    return {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
    };
  }
  if (accountSwitch(specs, 'refuseWarmup') && body['generate'] === false) {
    return invalidRequest("Unknown parameter: 'generate'.", 'generate', 'unknown_parameter');
  }
  const reasoning = body['reasoning'];
  if (!simModelReasons(model)) {
    if (isObject(reasoning) && (reasoning['effort'] != null || reasoning['summary'] != null)) {
      const param = reasoning['effort'] != null ? 'reasoning.effort' : 'reasoning.summary';
      return invalidRequest(
        `Unsupported parameter: '${param}' is not supported with this model.`,
        param,
        'unsupported_parameter',
      );
    }
    const include = body['include'];
    if (Array.isArray(include) && include.includes('reasoning.encrypted_content')) {
      return invalidRequest(
        'Encrypted content is not supported with this model.',
        'include',
        'unsupported_parameter',
      );
    }
  }
  if (
    accountSwitch(specs, 'unverifiedOrg') &&
    isObject(reasoning) &&
    typeof reasoning['summary'] === 'string'
  ) {
    return invalidRequest(
      'Your organization must be verified to generate reasoning summaries. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.',
      'reasoning.summary',
      'unsupported_value',
    );
  }
  return undefined;
}

/** "1.2s", "350ms", "1m2s" — how the service writes a delay. */
export function serviceDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const m = Math.floor(ms / 60_000);
  const s = Number(((ms % 60_000) / 1000).toFixed(3));
  return s > 0 ? `${m}m${s}s` : `${m}m`;
}

/** The service's rate-limit message for `model`. */
export function rateLimitMessage(model: string, retryAfterMs: number): string {
  return `Rate limit reached for ${model} in organization org-simulator on tokens per min (TPM): Limit 30000, Used 29512, Requested 1730. Please try again in ${serviceDuration(retryAfterMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
}

/** The service's context-window message. */
export const CONTEXT_LENGTH_MESSAGE =
  'Your input exceeds the context window of this model. Please adjust your input and try again.';
