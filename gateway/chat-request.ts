/**
 * Validates a `POST /v1/chat/completions` body into what the runner needs. Every rejection is a
 * 400 whose `param` and message name the field, as OpenAI's own server does.
 *
 * Defaults when a field is absent are the playground's (src/settings/generation-settings.ts):
 * greedy decoding (temperature 0, also what the bundled models' generation_config asks for,
 * `do_sample: false`), top-p 0.95 and top-k 50 once sampling is on, repetition penalty 1, a fresh
 * seed per request, and a token budget of whatever the context window leaves after the prompt.
 */
import type { ChatMessage, GenerationParams, ReasoningEffort, Role } from '../src/engine/engine-types';
import { DEFAULT_PARAMS, LIMITS, REASONING_EFFORTS } from '../src/settings/generation-settings';
import { ApiError, invalidParam, missingParam } from './api-error';
import { describe } from './quote';

/** A validated chat request. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  params: GenerationParams;
  stream: boolean;
  includeUsage: boolean;
  /** Stop sequences: the answer ends before the first one (OpenAI allows up to 4). */
  stop: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A field of a client's object, own properties only: `body.constructor` or `message.toString`
 * must read as absent, not as something inherited from Object.prototype.
 */
const own = (object: Json, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

/** `developer` is OpenAI's newer name for `system`. A Map: a role named `constructor` is no role. */
const ROLES: ReadonlyMap<string, Role> = new Map([
  ['system', 'system'],
  ['developer', 'system'],
  ['user', 'user'],
  ['assistant', 'assistant'],
]);

interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
  /** Foundry's newer server takes its extras inside `metadata`, where OpenAI only allows strings. */
  fromString?: boolean;
}

function readNumber(value: unknown, param: string, rule: NumberRule): number {
  const parsed = rule.fromString && typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const kind = rule.integer ? 'an integer' : 'a number';
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || (rule.integer && !Number.isInteger(parsed))) {
    throw invalidParam(param, `Invalid type for '${param}': expected ${kind}, got ${describe(value)}.`, 'invalid_type');
  }
  if (parsed < rule.min || parsed > rule.max) {
    const range = rule.max === Number.MAX_SAFE_INTEGER ? `at least ${rule.min}` : `between ${rule.min} and ${rule.max}`;
    throw invalidParam(param, `Invalid value for '${param}': ${parsed} is out of range; it must be ${range}.`);
  }
  return parsed;
}

/** A top-level field, else the same name inside `metadata` (Foundry extras). */
function field(body: Json, metadata: Json, name: string): { value: unknown; param: string; fromString: boolean } | null {
  const top = own(body, name);
  if (top !== undefined && top !== null) return { value: top, param: name, fromString: false };
  const nested = own(metadata, name);
  if (nested !== undefined && nested !== null) return { value: nested, param: `metadata.${name}`, fromString: true };
  return null;
}

function optionalNumber(body: Json, metadata: Json, name: string, rule: NumberRule): number | undefined {
  const f = field(body, metadata, name);
  return f ? readNumber(f.value, f.param, { ...rule, fromString: f.fromString }) : undefined;
}

function readContent(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    // OpenAI's content-part form; only text parts mean anything to a text model.
    return value
      .map((part, i) => {
        const text = isObject(part) && own(part, 'type') === 'text' ? own(part, 'text') : undefined;
        if (typeof text === 'string') return text;
        throw invalidParam(
          `${param}[${i}]`,
          `Invalid content part '${param}[${i}]': only {"type":"text","text":"..."} parts are supported.`,
        );
      })
      .join('');
  }
  throw invalidParam(param, `Invalid type for '${param}': expected a string or an array of text parts.`, 'invalid_type');
}

function readMessages(value: unknown): ChatMessage[] {
  if (value === undefined || value === null) throw missingParam('messages');
  if (!Array.isArray(value)) throw invalidParam('messages', `Invalid type for 'messages': expected an array of messages.`, 'invalid_type');
  if (value.length === 0) throw invalidParam('messages', `Invalid value for 'messages': the array is empty; send at least one message.`);
  return value.map((message, i): ChatMessage => {
    const param = `messages[${i}]`;
    if (!isObject(message))
      throw invalidParam(param, `Invalid type for '${param}': expected an object with role and content.`, 'invalid_type');
    const role = own(message, 'role');
    if (role === undefined) throw missingParam(`${param}.role`);
    const known = typeof role === 'string' ? ROLES.get(role) : undefined;
    if (!known) {
      throw invalidParam(
        `${param}.role`,
        `Invalid value for '${param}.role': ${describe(role)}. Supported roles: system, developer, user, assistant.`,
      );
    }
    const content = own(message, 'content');
    if (content === undefined || content === null) throw missingParam(`${param}.content`);
    return { role: known, content: readContent(content, `${param}.content`) };
  });
}

function readStop(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > 4 || !list.every((s): s is string => typeof s === 'string' && s.length > 0)) {
    throw invalidParam('stop', `Invalid value for 'stop': expected a non-empty string or an array of up to 4 non-empty strings.`);
  }
  return list;
}

/** OpenAI's other levels: valid there, but gpt-oss' template knows only low, medium and high. */
const OTHER_OPENAI_EFFORTS: ReadonlySet<unknown> = new Set(['none', 'minimal', 'xhigh']);

/**
 * `reasoning_effort`: low, medium or high, passed to the chat template (gpt-oss reads it; the
 * bundled models' templates ignore it); absent or null leaves the template's default.
 */
function readReasoningEffort(value: unknown): ReasoningEffort | undefined {
  if (value === undefined || value === null) return undefined;
  const known = REASONING_EFFORTS.find((level) => level === value);
  if (known) return known;
  if (typeof value !== 'string') {
    throw invalidParam(
      'reasoning_effort',
      `Invalid type for 'reasoning_effort': expected a string (low, medium or high), got ${describe(value)}.`,
      'invalid_type',
    );
  }
  const why = OTHER_OPENAI_EFFORTS.has(value) ? ' (the models here reason at low, medium or high effort only)' : '';
  throw invalidParam(
    'reasoning_effort',
    `Invalid value for 'reasoning_effort': ${describe(value)}. Supported values: low, medium, high${why}.`,
  );
}

/** Parameters OpenAI clients may send that this gateway cannot honour: refused, not ignored. */
function rejectUnsupported(body: Json): void {
  for (const name of ['frequency_penalty', 'presence_penalty'] as const) {
    const v = own(body, name);
    if (v === undefined || v === null) continue;
    if (readNumber(v, name, { min: -2, max: 2 }) !== 0) {
      throw invalidParam(
        name,
        `'${name}' is not supported by this gateway (only 0); use 'repetition_penalty' instead.`,
        'unsupported_parameter',
      );
    }
  }
  const n = own(body, 'n');
  if (n !== undefined && n !== null && readNumber(n, 'n', { min: 1, max: 128, integer: true }) !== 1) {
    throw invalidParam('n', `Invalid value for 'n': this gateway generates one choice per request (n = 1).`, 'unsupported_parameter');
  }
  const tools = own(body, 'tools');
  if (Array.isArray(tools) && tools.length > 0) {
    throw invalidParam('tools', `'tools' is not supported: the bundled models cannot call tools.`, 'unsupported_parameter');
  }
  if (own(body, 'logprobs') === true)
    throw invalidParam('logprobs', `'logprobs' is not supported by this gateway.`, 'unsupported_parameter');
  const format = own(body, 'response_format');
  if (isObject(format) && own(format, 'type') !== 'text') {
    throw invalidParam('response_format', `Only {"type":"text"} is supported for 'response_format'.`, 'unsupported_parameter');
  }
}

/** Validates a parsed JSON body; throws ApiError 400 naming the first bad field. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw new ApiError(400, 'The request body must be a JSON object.', { code: 'invalid_type' });
  const model = own(body, 'model');
  if (model === undefined || model === null || model === '') throw missingParam('model');
  if (typeof model !== 'string') throw invalidParam('model', `Invalid type for 'model': expected a string (a model id).`, 'invalid_type');
  const messages = readMessages(own(body, 'messages'));
  const metadata = own(body, 'metadata') ?? {};
  if (!isObject(metadata)) throw invalidParam('metadata', `Invalid type for 'metadata': expected an object.`, 'invalid_type');
  rejectUnsupported(body);

  const stream = own(body, 'stream') ?? false;
  if (typeof stream !== 'boolean') throw invalidParam('stream', `Invalid type for 'stream': expected a boolean.`, 'invalid_type');
  const options = own(body, 'stream_options') ?? {};
  if (!isObject(options)) throw invalidParam('stream_options', `Invalid type for 'stream_options': expected an object.`, 'invalid_type');
  const includeUsage = own(options, 'include_usage') ?? false;
  if (typeof includeUsage !== 'boolean') {
    throw invalidParam(
      'stream_options.include_usage',
      `Invalid type for 'stream_options.include_usage': expected a boolean.`,
      'invalid_type',
    );
  }

  const int = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };
  // max_completion_tokens replaced max_tokens in OpenAI's API; when both are sent it wins.
  const maxTokens = optionalNumber(body, {}, 'max_completion_tokens', int) ?? optionalNumber(body, {}, 'max_tokens', int);
  const minTokens = optionalNumber(body, {}, 'min_tokens', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  if (minTokens !== undefined && maxTokens !== undefined && minTokens > maxTokens) {
    throw invalidParam('min_tokens', `Invalid value for 'min_tokens': ${minTokens} is more than max_tokens (${maxTokens}).`);
  }
  const seed =
    optionalNumber(body, {}, 'seed', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, integer: true }) ??
    optionalNumber(body, metadata, 'random_seed', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, integer: true });

  const params: GenerationParams = {
    temperature: optionalNumber(body, {}, 'temperature', { min: 0, max: 2 }) ?? DEFAULT_PARAMS.temperature,
    // OpenAI allows top_p 0; it keeps only the most likely token, as the smallest nucleus does.
    topP: optionalNumber(body, {}, 'top_p', { min: 0, max: 1 }) ?? DEFAULT_PARAMS.topP,
    topK: optionalNumber(body, metadata, 'top_k', { min: 0, max: LIMITS.topK.max, integer: true }) ?? DEFAULT_PARAMS.topK,
    repetitionPenalty:
      optionalNumber(body, {}, 'repetition_penalty', { min: LIMITS.repetitionPenalty.min, max: LIMITS.repetitionPenalty.max }) ??
      DEFAULT_PARAMS.repetitionPenalty,
    // Absent: as much as the context window leaves (the runner lowers the budget to fit).
    maxNewTokens: maxTokens ?? Number.MAX_SAFE_INTEGER,
    minNewTokens: minTokens ?? 0,
    // transformers.js seeds a 32-bit generator; OpenAI seeds are int64, so keep the low 32 bits.
    seed: seed === undefined ? null : seed >>> 0,
  };
  const reasoningEffort = readReasoningEffort(own(body, 'reasoning_effort'));
  if (reasoningEffort) params.reasoningEffort = reasoningEffort;
  return { model, messages, params, stream, includeUsage, stop: readStop(own(body, 'stop')) };
}
