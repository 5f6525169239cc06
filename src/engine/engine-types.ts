/**
 * The one contract every inference backend implements. The chat UI, the benchmark runner and the
 * router only ever see these types, so a browser model and a gateway model are interchangeable.
 */
import type { Dtype } from '../catalog/schema';
import type { Device, GatewayModelRef, ModelRef } from '../catalog/model-ref';

// The catalog produces model references and defines them (catalog/ never imports the engine).
export type { Device, GatewayModelRef, ModelRef };

/** Who wrote a chat message. */
export type Role = 'system' | 'user' | 'assistant';

/** A chat message as sent to a model (already stripped of UI-only fields). */
export interface ChatMessage {
  role: Role;
  content: string;
}

/**
 * How long a reasoning model thinks before it answers. gpt-oss takes it in its chat template
 * (`reasoning_effort`), OpenAI-compatible servers as the `reasoning_effort` request field.
 */
export type ReasoningEffort = 'low' | 'medium' | 'high';

/** Sampling settings; `temperature: 0` means greedy decoding. */
export interface GenerationParams {
  temperature: number;
  topP: number;
  /** 0 disables top-k filtering. */
  topK: number;
  maxNewTokens: number;
  /** EOS is suppressed until this many tokens exist (fixed-length benchmarks). Absent or 0 = off. */
  minNewTokens?: number;
  repetitionPenalty: number;
  /** Fixed seed for reproducible sampling, or null for a fresh one per request. */
  seed: number | null;
  /**
   * Given to every chat template (those that do not use it ignore it); sent to a gateway only for
   * a model that reasons (GatewayModelRef.reasons). Absent: the model's own default (medium for gpt-oss).
   */
  reasoningEffort?: ReasoningEffort;
  /**
   * In-browser models: start from the previous answer's KV cache when the prompt begins with the
   * tokens it holds (kv-carry.ts), so a follow-up prefills only what is new. Absent: on. Off for
   * a measurement of cold prompts.
   */
  reuseCache?: boolean;
}

/** Where an answer is produced: a browser device, or a gateway. */
export type BackendKind = 'webgpu' | 'wasm' | 'gateway';

/**
 * Timestamps of one generation, taken where tokens are produced (worker or SSE reader), in
 * milliseconds on the epoch-based clock (`performance.timeOrigin + performance.now()`), so times
 * from the worker and the page are comparable.
 */
export interface GenerationTrace {
  /**
   * The page sent the request to the engine's worker, when the engine runs in one: the time to
   * `requestAt` is queueing (the message, and a worker busy with something else).
   */
  sentAt?: number;
  /** The engine received the request (before templating and tokenization). */
  requestAt: number;
  /** A remote engine's server answered the request (response headers, before any token). */
  firstByteAt?: number;
  /** The model started reading the prompt (first forward pass), when the engine can tell. */
  prefillStartAt: number | null;
  /** When each generated token was produced; index 0 is the first token. */
  tokenTimes: number[];
  /** The generation ended (EOS, length limit, stop, or error). */
  endAt: number;
  promptTokens: number;
  /** Leading prompt tokens taken from the previous answer's KV cache instead of being prefilled. */
  cachedTokens?: number;
  /**
   * The exact number of generated tokens when the engine knows it and it differs from
   * `tokenTimes.length` (a remote server that sends several tokens per chunk reports it in `usage`).
   */
  generatedTokens?: number;
  /**
   * When the token that began the answer's text was produced, set by engines whose first tokens
   * may be something else (reasoning, Harmony's markup); null when no answer text came. Absent:
   * the first token began the answer.
   */
  answerAt?: number | null;
  /** Set when part of the generated tokens were reasoning (see ReasoningTrace). */
  reasoning?: ReasoningTrace;
  /**
   * Mean log-probability (natural log) of the generated tokens under the distribution each was
   * drawn from: the model's confidence in its answer. In-browser engines only (token-logprobs.ts);
   * a gateway does not report it.
   */
  meanLogprob?: number;
}

/**
 * The reasoning part of a generation (gpt-oss' analysis channel in the browser, a gateway's
 * `reasoning_content`). Its tokens are part of `tokenTimes` and of the token budget.
 */
export interface ReasoningTrace {
  /** How many of the generated tokens were reasoning. */
  tokens: number;
  /** When the first and the last reasoning token were produced. */
  firstAt: number;
  lastAt: number;
}

/** Why a generation ended: end of sequence, the token budget, or a stop. */
export type StopReason = 'eos' | 'length' | 'aborted';

/** What a chat stream yields, in order: one `start`, any number of `token`/`reasoning`, one `end`. */
export type GenerationEvent =
  | {
      type: 'start';
      /** null when the engine learns it only at the end (a remote gateway reports it in `usage`). */
      promptTokens: number | null;
      /** The generation budget actually used (may be lowered to fit the context window). */
      maxNewTokens: number;
      /** Set when the engine changed something the user asked for, in words. */
      notice?: string;
    }
  /**
   * `count`: how many generated tokens the event carries, 1 when absent. The browser worker sends
   * tokens in batches (see TimedStreamer), and 0 marks text that completes tokens already counted.
   * `at`: when the last of them was generated.
   */
  | { type: 'token'; text: string; at: number; count?: number }
  /**
   * Reasoning text of models that stream it apart from the answer (gpt-oss). `count` and `at` as
   * for `token`: reasoning tokens count toward the budget like any other.
   */
  | { type: 'reasoning'; text: string; at: number; count?: number }
  | { type: 'end'; reason: StopReason; trace: GenerationTrace };

/** Progress while a model loads; bytes are summed over every file of the chosen variant. */
export type LoadProgress =
  | { phase: 'download'; file: string; fileLoaded: number; fileTotal: number; loaded: number; total: number; fromCache: boolean }
  | { phase: 'compile'; message: string }
  | { phase: 'ready' };

/** What is running after a successful load, for the status line and the answer metadata. */
export interface LoadedModel {
  modelId: string;
  backend: BackendKind;
  dtype: Dtype | 'server';
  /** "WebGPU · SwiftShader", "WASM · 4 threads", "gateway · http://localhost:5273". */
  detail: string;
  /** null when a gateway does not say. */
  contextLength: number | null;
  loadMs: number;
  /** Where loadMs went, for in-browser loads. */
  phases?: LoadPhases;
  /** What went wrong while caching the files (storage full...), in words; the model runs anyway. */
  cacheProblems?: string[];
}

/** Where an in-browser load's time went, in ms; together they make up about all of loadMs. */
export interface LoadPhases {
  /** Start -> the last model file fetched: downloaded, or read from the weight cache when `fromCache`. */
  filesMs: number;
  /** The last file -> tokenizer and ONNX Runtime session ready (graph parsing, weight upload). */
  sessionMs: number;
  /** One short generation: WebGPU shader compilation, WASM buffers, the thread pool's start. */
  warmUpMs: number;
  /** Every file came from the weight cache: a warm load. */
  fromCache: boolean;
}

/** Cancelling a load, and hearing how far it got. */
export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

/** What the chat needs from a loaded engine. */
export interface ChatEngine {
  readonly kind: 'browser' | 'gateway';
  /** Streams one answer. Aborting `signal` ends the stream with `reason: 'aborted'`. */
  chat(messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncIterable<GenerationEvent>;
}

/**
 * An inference backend. Implementations: BrowserEngine (worker proxy, `ModelRef`) and
 * GatewayEngine (`GatewayModelRef`).
 */
export interface Engine<Ref = ModelRef> extends ChatEngine {
  load(model: Ref, options?: LoadOptions): Promise<LoadedModel>;
  unload(): Promise<void>;
}
