/**
 * Answering: one answer at a time, streamed token by token into a new assistant turn of the open
 * conversation and saved when it ends, on the primary slot's engine. When the engine dies under
 * an answer, the slot decides what comes next before the answer counts as finished, so a next
 * prompt waits for it. While it runs, the answer claims the engine and the conversation: loading
 * another model, a benchmark's hold, or deleting the conversation stops it.
 */
import type { CatalogModel } from '../catalog/schema';
import {
  messagesForModel,
  newId,
  withEditedLastUser,
  withUserTurn,
  withoutLastAnswer,
  type AnswerMeta,
  type Conversation,
  type Turn,
} from '../chat/conversation';
import { DeviceFaultError, WorkerCrashedError } from '../engine/errors';
import type { Route } from '../engine/router';
import type { GenerationParams } from '../engine/engine-types';
import type { RequestLog } from '../privacy/request-log';
import { errorMessage } from '../errors/error-message';
import { emptyAnswer, streamAnswer } from './answer-stream';
import type { ChatHistory } from './chat-history';
import type { ModelSlot } from './model-slot';
import { Notifier } from './notifier';
import type { Settings } from './settings';
import type { Sources } from './sources';

/** Resource Timing entries arrive a little after the request (the worker's by message). */
const REQUEST_REPORT_DELAY_MS = 300;

export interface GenerationDeps {
  /**
   * Grounds a question in the conversation's sources (sources.ts): the prompt to send instead of
   * the conversation as it is, or null when it has none.
   */
  grounding?: Pick<Sources, 'ground'>;
  /** The slot whose model answers (the primary one). */
  slot: Pick<ModelSlot, 'readyRoute' | 'selected' | 'afterEngineFault' | 'claim' | 'hold'>;
  chats: Pick<ChatHistory, 'current' | 'conversations' | 'replace' | 'persist' | 'patchTurn' | 'claim'>;
  settings: Pick<Settings, 'preferences'>;
  /** Every request the page and worker make; answers record how many they caused. */
  requests?: Pick<RequestLog, 'between'> | undefined;
}

/** The answer being generated, with the tokens received so far. */
export interface Generating {
  conversationId: string;
  turnId: string;
  tokens: number;
}

/** Where an answer ran and with which settings, kept with it for the line under the answer. */
export function routeMeta(route: Route, params: GenerationParams): AnswerMeta {
  return {
    modelId: route.model.id,
    modelName: route.model.name,
    backend: route.loaded.backend,
    dtype: route.loaded.dtype,
    detail: route.loaded.detail,
    routeReason: route.reason,
    params: { ...params },
  };
}

/** The meta of an answer that failed before any model took it: the selected model, if any. */
export function errorMeta(model: CatalogModel | undefined, params: GenerationParams, error: string): AnswerMeta {
  return {
    modelId: model?.id ?? 'none',
    modelName: model?.name ?? 'No model',
    backend: 'wasm',
    dtype: '–',
    detail: '',
    routeReason: '',
    params: { ...params },
    error,
  };
}

export class Generation extends Notifier {
  private state: Generating | null = null;
  private generationAbort: AbortController | null = null;

  constructor(private readonly deps: GenerationDeps) {
    super();
  }

  /** The answer being generated, if any. */
  get generating(): Generating | null {
    return this.state;
  }

  private set(state: Generating | null): void {
    this.state = state;
    this.changed();
  }

  /** Whether a new answer may start now (after telling the user why not, when a hold is the reason). */
  private mayStart(): boolean {
    return !this.state && !this.deps.slot.hold.refuses();
  }

  async send(text: string): Promise<void> {
    if (!text.trim() || !this.mayStart()) return;
    await this.answer(withUserTurn(this.deps.chats.current, text));
  }

  async regenerate(): Promise<void> {
    if (!this.mayStart()) return;
    const base = withoutLastAnswer(this.deps.chats.current);
    if (base) await this.answer(base);
  }

  async editAndResend(text: string): Promise<void> {
    if (!text.trim() || !this.mayStart()) return;
    const base = withEditedLastUser(this.deps.chats.current, text);
    if (base) await this.answer(base);
  }

  stop(): void {
    this.generationAbort?.abort();
  }

  /** Appends an assistant turn to `conversation` and streams the answer into it. */
  private async answer(conversation: Conversation): Promise<void> {
    const { slot, chats, settings } = this.deps;
    const turnId = newId();
    const abort = new AbortController();
    this.generationAbort = abort;
    const stop = (): void => abort.abort();
    const releaseEngine = slot.claim(stop);
    const releaseChat = chats.claim(conversation.id, stop);
    this.set({ conversationId: conversation.id, turnId, tokens: 0 });
    const placeholder: Turn = { id: turnId, role: 'assistant', content: '', createdAt: Date.now() };
    let current: Conversation = { ...conversation, turns: [...conversation.turns, placeholder], updatedAt: Date.now() };
    chats.replace(current);
    const update = (patch: Partial<Turn>): void => {
      current = { ...current, turns: current.turns.map((t) => (t.id === turnId ? { ...t, ...patch } : t)) };
      chats.replace(current);
    };
    const startedAt = Date.now();
    const answer = emptyAnswer();
    let meta: AnswerMeta | undefined;
    let route: Route | null = null;
    let fault: Error | null = null;
    try {
      route = await slot.readyRoute();
      // Read once the model is there: settings changed while it loaded apply to this answer.
      const params = settings.preferences.params;
      meta = routeMeta(route, params);
      update({ meta });
      // With sources, the question goes with the passages retrieved for it (to a gateway too).
      const grounded = (await this.deps.grounding?.ground(conversation, route, params)) ?? null;
      if (grounded) {
        meta = { ...meta, grounding: grounded.grounding };
        update({ meta });
      }
      const messages = grounded ? grounded.messages : messagesForModel(conversation);
      const events = route.engine.chat(messages, params, abort.signal);
      await streamAnswer(
        answer,
        events,
        (change) => {
          if (change === 'count' || change === 'content' || change === 'reasoning') {
            this.set({ conversationId: conversation.id, turnId, tokens: answer.tokens });
          }
          if (change === 'content') update({ content: answer.content });
          else if (change === 'reasoning') update({ reasoning: answer.reasoning });
          else if (change === 'notice' && meta) {
            meta = { ...meta, notice: answer.notice! };
            update({ meta });
          } else if (change === 'end' && meta) {
            meta = { ...meta, stopReason: answer.stopReason!, metrics: answer.metrics! };
            update({ meta });
          }
        },
        grounded ? grounded.grounding : undefined,
      );
    } catch (error) {
      const message = errorMessage(error);
      if (meta) update({ meta: { ...meta, error: message } });
      else update({ meta: errorMeta(slot.selected, settings.preferences.params, message) });
      if (error instanceof DeviceFaultError || error instanceof WorkerCrashedError) fault = error;
    } finally {
      releaseEngine();
      releaseChat();
      // Before the answer counts as finished, so a next prompt waits for the recovery.
      if (fault && route) slot.afterEngineFault(fault, route);
      this.generationAbort = null;
      this.set(null);
      await chats.persist(current);
      void this.recordRequests(conversation.id, turnId, startedAt, Date.now());
    }
  }

  /** Stores on the answer how many requests were made while it was produced. */
  private async recordRequests(conversationId: string, turnId: string, from: number, to: number): Promise<void> {
    const log = this.deps.requests;
    if (!log) return;
    await new Promise((resolve) => setTimeout(resolve, REQUEST_REPORT_DELAY_MS));
    const count = log.between(from, to).length;
    await this.deps.chats.patchTurn(conversationId, turnId, (t) => (t.meta ? { ...t, meta: { ...t.meta, networkRequests: count } } : t));
  }
}
