/**
 * Answering: one answer at a time, streamed token by token into a new assistant turn of the open
 * conversation and saved when it ends. When the engine dies under an answer, the model loader
 * decides what comes next before the answer counts as finished, so a next prompt waits for it.
 */
import { computeMetrics } from '../metrics/answer-metrics';
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
import type { ChatHistory } from './chat-history';
import type { ModelLoader } from './model-loader';
import type { Playground, PlaygroundServices } from './playground';
import { errorMessage } from '../errors/error-message';

/** Resource Timing entries arrive a little after the request (the worker's by message). */
const REQUEST_REPORT_DELAY_MS = 300;

export interface GenerationDeps {
  playground: Pick<Playground, 'generating' | 'current' | 'conversations' | 'load' | 'preferences' | 'selectedModel'>;
  services: Pick<PlaygroundServices, 'requests'>;
  models: Pick<ModelLoader, 'pending' | 'afterEngineFault'>;
  history: Pick<ChatHistory, 'replace' | 'persist'>;
  changed: () => void;
  /** True (after telling the user why) when the engine is held by something else. */
  held: () => boolean;
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

export class Generation {
  private generationAbort: AbortController | null = null;

  constructor(private readonly deps: GenerationDeps) {}

  async send(text: string): Promise<void> {
    if (this.deps.playground.generating || !text.trim() || this.deps.held()) return;
    await this.answer(withUserTurn(this.deps.playground.current, text));
  }

  async regenerate(): Promise<void> {
    if (this.deps.playground.generating || this.deps.held()) return;
    const base = withoutLastAnswer(this.deps.playground.current);
    if (base) await this.answer(base);
  }

  async editAndResend(text: string): Promise<void> {
    if (this.deps.playground.generating || !text.trim() || this.deps.held()) return;
    const base = withEditedLastUser(this.deps.playground.current, text);
    if (base) await this.answer(base);
  }

  stop(): void {
    this.generationAbort?.abort();
  }

  /** Appends an assistant turn to `conversation` and streams the answer into it. */
  private async answer(conversation: Conversation): Promise<void> {
    const { playground: p, models, history } = this.deps;
    const messages = messagesForModel(conversation);
    const turnId = newId();
    p.generating = { conversationId: conversation.id, turnId, tokens: 0 };
    const placeholder: Turn = { id: turnId, role: 'assistant', content: '', createdAt: Date.now() };
    let current: Conversation = { ...conversation, turns: [...conversation.turns, placeholder], updatedAt: Date.now() };
    history.replace(current);
    const update = (patch: Partial<Turn>): void => {
      current = { ...current, turns: current.turns.map((t) => (t.id === turnId ? { ...t, ...patch } : t)) };
      history.replace(current);
    };
    const abort = new AbortController();
    this.generationAbort = abort;
    const startedAt = Date.now();
    let content = '';
    let reasoning = '';
    let tokens = 0;
    let meta: AnswerMeta | undefined;
    let route: Route | null = null;
    let fault: Error | null = null;
    try {
      route = p.load.kind === 'ready' ? p.load.route : await models.pending;
      if (!route) {
        if (p.load.kind === 'error') throw new Error(p.load.message);
        if (p.load.kind === 'confirm') throw new Error(`${p.selectedModel?.name ?? 'This model'} is not downloaded yet: start the download in the model panel.`);
        throw new Error('No model is loaded. Pick a model first.');
      }
      meta = routeMeta(route, p.preferences.params);
      update({ meta });
      for await (const event of route.engine.chat(messages, p.preferences.params, abort.signal)) {
        if (event.type === 'token') {
          tokens += event.count ?? 1;
          p.generating = { conversationId: conversation.id, turnId, tokens };
          if (!event.text) continue;
          content += event.text;
          update({ content });
        } else if (event.type === 'reasoning') {
          p.generating = { conversationId: conversation.id, turnId, tokens: ++tokens };
          reasoning += event.text;
          update({ reasoning });
        } else if (event.type === 'start' && event.notice) {
          meta = { ...meta, notice: event.notice };
          update({ meta });
        } else if (event.type === 'end') {
          meta = { ...meta, stopReason: event.reason, metrics: computeMetrics(event.trace) };
          update({ meta });
        }
      }
    } catch (error) {
      const message = errorMessage(error);
      if (meta) update({ meta: { ...meta, error: message } });
      else update({ meta: errorMeta(p.selectedModel, p.preferences.params, message) });
      if (error instanceof DeviceFaultError || error instanceof WorkerCrashedError) fault = error;
    } finally {
      // Before the answer counts as finished, so a next prompt waits for the recovery.
      if (fault && route) models.afterEngineFault(fault, route);
      p.generating = null;
      this.generationAbort = null;
      this.deps.changed();
      await history.persist(current);
      void this.recordRequests(conversation.id, turnId, startedAt, Date.now());
    }
  }

  /** Stores on the answer how many requests were made while it was produced. */
  private async recordRequests(conversationId: string, turnId: string, from: number, to: number): Promise<void> {
    const log = this.deps.services.requests;
    if (!log) return;
    await new Promise((resolve) => setTimeout(resolve, REQUEST_REPORT_DELAY_MS));
    const conversation = this.deps.playground.conversations.find((c) => c.id === conversationId);
    const turn = conversation?.turns.find((t) => t.id === turnId);
    if (!conversation || !turn?.meta) return;
    const count = log.between(from, to).length;
    const updated = { ...conversation, turns: conversation.turns.map((t) => (t.id === turnId && t.meta ? { ...t, meta: { ...t.meta, networkRequests: count } } : t)) };
    this.deps.history.replace(updated);
    await this.deps.history.persist(updated);
  }
}
