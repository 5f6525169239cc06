/**
 * The gateway engine: the same Engine contract as the in-browser engine, answered by Foundry Local,
 * our bundled gateway or any OpenAI-compatible server. Streaming goes through the official `openai`
 * client (its SSE reader also turns a mid-stream `data: {"error":…}` into an APIError).
 *
 * Tokens are timed here, as each chunk arrives: that is where they are produced as far as the page
 * can see. A server may put several tokens in one chunk; `usage` then corrects the count.
 *
 * The `openai` package is imported on first use, so pages that never touch a gateway don't load it.
 */
import type OpenAI from 'openai';
import { resolveModelId } from './foundry-alias';
import { isAbortError } from '../errors';
import type {
  ChatMessage,
  Engine,
  GatewayModelRef,
  GenerationEvent,
  GenerationParams,
  GenerationTrace,
  LoadOptions,
  LoadedModel,
  ReasoningTrace,
  StopReason,
} from '../engine-types';
import { FoundryClient, type GatewayGeneration } from './foundry-client';
import { GatewayError } from './gateway-errors';
import { effectiveRoot, normalizeGatewayUrl, type ProxyInfo } from './gateway-url';
import { explainFetchFailure } from './probe';
import { errorMessage } from '../../errors/error-message';

/** Where the gateway is, read at each load so settings changes apply to the next model load. */
export interface GatewayConnection {
  baseUrl: string;
  apiKey: string;
  proxy: ProxyInfo | null;
}

/** The connection settings (read at each load) and the page's own URL. */
export interface GatewayEngineOptions {
  connection: () => GatewayConnection;
  pageUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Session {
  client: OpenAI;
  management: FoundryClient;
  serverModel: string;
  /** The model reasons: requests carry the reasoning effort (GatewayModelRef.reasons). */
  reasons: boolean;
  generation: GatewayGeneration;
  baseUrl: string;
}

type ChatBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming & Record<string, unknown>;
type ChunkDelta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta & { reasoning_content?: unknown; reasoning?: unknown };

/** OpenAI request fields for our settings, plus Foundry's own sampling extras where it takes them. */
export function chatBody(
  model: string,
  messages: readonly ChatMessage[],
  params: GenerationParams,
  generation: GatewayGeneration,
  reasons = false,
): ChatBody {
  const body: ChatBody = {
    model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    stream_options: { include_usage: true },
    temperature: params.temperature,
    top_p: params.topP,
    // `max_tokens` and `seed` are deprecated by OpenAI but are what Foundry Local, Ollama, LM Studio
    // and vLLM read; `max_completion_tokens` is not understood by all of them.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    max_tokens: params.maxNewTokens,
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ...(params.seed === null ? {} : { seed: params.seed }),
    // Only for a model that reasons (gpt-oss on Foundry Local, vLLM, Ollama, our gateway read it):
    // OpenAI's API refuses the field for the others.
    ...(params.reasoningEffort && reasons ? { reasoning_effort: params.reasoningEffort } : {}),
  };
  // top_k is not in the OpenAI API (OpenAI itself rejects unknown fields); Foundry takes it, at the
  // top level on the older service and inside `metadata` on the newer server.
  if (generation === 'foundry-service') {
    if (params.topK > 0) body['top_k'] = params.topK;
    if (params.seed !== null) body['random_seed'] = params.seed;
  } else if (generation === 'foundry-server') {
    body.metadata = {
      ...(params.topK > 0 ? { top_k: String(params.topK) } : {}),
      ...(params.seed === null ? {} : { random_seed: String(params.seed) }),
    };
  }
  return body;
}

/** A chat failure in words; the caller keeps whatever text arrived before it. */
function explainChatError(error: unknown, baseUrl: string, midStream: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') {
    const hint = status === 401 || status === 403 ? ' Check the API key in the connection settings.' : '';
    return new GatewayError('http', `The gateway answered HTTP ${status}: ${errorMessage(error).replace(/^\d+\s*/, '')}.${hint}`, {
      status,
    });
  }
  const errorField = (error as { error?: unknown }).error;
  if (errorField && typeof errorField === 'object') {
    return new GatewayError('stream', `The gateway reported an error during the answer: ${errorMessage(error)}`);
  }
  if (midStream) {
    return new GatewayError(
      'stream',
      `The connection to the gateway at ${baseUrl} broke off during the answer (the server stopped or the network dropped). The text so far is kept.`,
    );
  }
  return new GatewayError('refused', `Could not reach the gateway at ${baseUrl}: ${errorMessage(error)}`);
}

/** The Engine for OpenAI-compatible gateways: streams answers over SSE, timing each token as it arrives. */
export class GatewayEngine implements Engine<GatewayModelRef> {
  readonly kind = 'gateway' as const;
  private session: Session | null = null;
  private readonly now: () => number;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: GatewayEngineOptions) {
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.fetcher = options.fetch ?? fetch.bind(globalThis);
  }

  async load(ref: GatewayModelRef, options: LoadOptions = {}): Promise<LoadedModel> {
    const started = this.now();
    this.session = null;
    const connection = this.options.connection();
    const baseUrl = normalizeGatewayUrl(connection.baseUrl);
    const { root, viaProxy } = effectiveRoot(baseUrl, connection.proxy);
    const management = new FoundryClient({
      root,
      fetch: this.fetcher,
      ...(connection.apiKey ? { apiKey: connection.apiKey } : {}),
    });
    options.onProgress?.({ phase: 'compile', message: `Asking the gateway at ${baseUrl} for ${ref.serverModel}…` });
    let info;
    try {
      info = await management.describe(options.signal);
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw error instanceof TypeError && !viaProxy ? await explainFetchFailure(root, this.options.pageUrl, this.fetcher) : error;
    }
    const resolution = resolveModelId(ref.serverModel, info.models);
    if (!resolution) {
      const available =
        info.models
          .map((m) => m.id)
          .slice(0, 6)
          .join(', ') || 'none';
      throw new GatewayError(
        'unknown-model',
        `The gateway at ${baseUrl} has no model "${ref.serverModel}" (it has: ${available}).` +
          (info.generation === 'openai' ? '' : ` Download it with: foundry model download ${ref.serverModel}`),
      );
    }
    if (!info.models.find((m) => m.id === resolution.id)?.loaded) {
      options.onProgress?.({ phase: 'compile', message: `The gateway is loading ${resolution.id}…` });
      await management.load(resolution.id, info.generation, options.signal);
    }
    const { default: OpenAIClient } = await import('openai');
    const client = new OpenAIClient({
      baseURL: `${root}/v1`,
      // Foundry Local accepts any key; the SDK insists on a non-empty one.
      apiKey: connection.apiKey || 'no-key',
      // The key is the user's own, typed into their own browser for their own server.
      dangerouslyAllowBrowser: true,
      // Retrying a chat request would silently generate twice.
      maxRetries: 0,
      fetch: this.fetcher,
    });
    this.session = { client, management, serverModel: resolution.id, reasons: ref.reasons ?? false, generation: info.generation, baseUrl };
    options.onProgress?.({ phase: 'ready' });
    return {
      modelId: ref.id,
      backend: 'gateway',
      dtype: 'server',
      detail: `gateway · ${baseUrl}${viaProxy ? ' (via proxy)' : ''} · ${resolution.id}`,
      contextLength: ref.contextLength,
      loadMs: this.now() - started,
    };
  }

  async *chat(messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncGenerator<GenerationEvent> {
    const session = this.session;
    if (!session) throw new GatewayError('load', 'No gateway model is loaded. Pick a model first.');
    const requestAt = this.now();
    const tokenTimes: number[] = [];
    let promptTokens = 0;
    let generatedTokens: number | undefined;
    // Chunks of reasoning, until `usage` gives the exact count.
    let reasoning: ReasoningTrace | null = null;
    let reasoningTokens: number | undefined;
    let answerAt: number | null = null;
    let finish: StopReason | null = null;
    let started = false;
    let firstByteAt: number | undefined;
    const trace = (): GenerationTrace => ({
      requestAt,
      ...(firstByteAt === undefined ? {} : { firstByteAt }),
      prefillStartAt: null,
      tokenTimes,
      endAt: this.now(),
      promptTokens,
      ...(generatedTokens === undefined ? {} : { generatedTokens }),
      ...(reasoning ? { answerAt, reasoning: { ...reasoning, tokens: reasoningTokens ?? reasoning.tokens } } : {}),
    });
    const startEvent = (): GenerationEvent => ({
      type: 'start',
      promptTokens: null,
      maxNewTokens: params.maxNewTokens,
      ...(params.repetitionPenalty !== 1
        ? { notice: 'The gateway takes no repetition penalty (not part of the OpenAI API); it was not applied.' }
        : {}),
    });

    try {
      const stream = await this.request(session, messages, params, signal);
      // The SDK resolves once the response headers are in: the server has the request.
      firstByteAt = this.now();
      yield startEvent();
      started = true;
      for await (const chunk of stream) {
        const at = this.now();
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          generatedTokens = chunk.usage.completion_tokens;
          reasoningTokens = chunk.usage.completion_tokens_details?.reasoning_tokens ?? reasoningTokens;
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta as ChunkDelta;
        const thought =
          typeof delta.reasoning_content === 'string'
            ? delta.reasoning_content
            : typeof delta.reasoning === 'string'
              ? delta.reasoning
              : '';
        if (thought) {
          tokenTimes.push(at);
          if (reasoning) {
            reasoning.tokens++;
            reasoning.lastAt = at;
          } else {
            reasoning = { tokens: 1, firstAt: at, lastAt: at };
          }
          yield { type: 'reasoning', text: thought, at };
        }
        if (delta.content) {
          tokenTimes.push(at);
          answerAt ??= at;
          yield { type: 'token', text: delta.content, at };
        }
        if (choice.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'eos';
      }
    } catch (error) {
      if (!isAbortError(error) && !signal?.aborted) throw explainChatError(error, session.baseUrl, started);
    }
    if (!started) yield startEvent();
    if (signal?.aborted) {
      yield { type: 'end', reason: 'aborted', trace: trace() };
      return;
    }
    if (finish === null) {
      // The SDK ends quietly when the connection closes cleanly before `[DONE]` (a proxy in between
      // does that when the gateway dies): without a finish reason, the answer is incomplete.
      throw new GatewayError(
        'stream',
        `The gateway at ${session.baseUrl} closed the connection before the answer finished. The text so far is kept.`,
      );
    }
    yield { type: 'end', reason: finish, trace: trace() };
  }

  /**
   * Sends the chat request. A Foundry server that restarted or unloaded the model (its TTL ran out)
   * answers 400 "Model not loaded": load it again and retry once, as a person would.
   */
  private async request(session: Session, messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal) {
    const body = chatBody(session.serverModel, messages, params, session.generation, session.reasons);
    try {
      return await session.client.chat.completions.create(body, { signal: signal ?? null });
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status !== 400 || !/not loaded/i.test(errorMessage(error)) || session.generation === 'openai') throw error;
      await session.management.load(session.serverModel, session.generation, signal);
      return session.client.chat.completions.create(body, { signal: signal ?? null });
    }
  }

  unload(): Promise<void> {
    // Models stay loaded on the server (its TTL unloads them); other clients may be using them.
    this.session = null;
    return Promise.resolve();
  }
}
