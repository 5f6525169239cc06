/**
 * What route handlers share: the gateway's state, one request's view, and the test hooks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GenerationQueue } from './queue';
import type { ModelRegistry } from './registry';

export type FinishReason = 'stop' | 'length';

/** How one generation ended, reported to `GatewayHooks.onGenerationEnd`. */
export interface GenerationRecord {
  /** The model id the request named. */
  model: string;
  /** `aborted`: the client went away and generation was stopped; `error`: it failed. */
  outcome: FinishReason | 'aborted' | 'error';
  promptTokens: number;
  /** Tokens the model produced, without a final end-of-turn token (OpenAI's completion_tokens). */
  completionTokens: number;
}

/** Observation points for tests and embedding programs; never needed to run the gateway. */
export interface GatewayHooks {
  /** Called when a generation starts on the model (its prompt fits and it has its turn). */
  onGenerationStart?(model: string): void;
  /** Called when a generation has finished running on the model, however it ended. */
  onGenerationEnd?(record: GenerationRecord): void;
  /** Called when a request joins the queue to wait for its turn (another generation runs). */
  onQueued?(): void;
}

/** The gateway's shared state. */
export interface GatewayContext {
  registry: ModelRegistry;
  queue: GenerationQueue;
  hooks: GatewayHooks;
  maxBodyBytes: number;
  /** Deliver at most this many text pieces per second (`--pace`); 0 = as fast as generated. */
  paceTokensPerSec: number;
  /** The base URL clients use (known once the server listens). */
  url(): string;
}

/** One request as a handler sees it. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The query of the request target (request-target.ts). */
  query: URLSearchParams;
  /** Decoded capture groups of the route's path pattern. */
  params: string[];
  /** Aborts when the client disconnects before the answer is complete. */
  signal: AbortSignal;
}

/** A route: method plus an anchored path pattern. */
export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle(request: RouteRequest): Promise<void> | void;
}
