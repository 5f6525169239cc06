/**
 * Retrieval for a benchmark's grounded prompts, through the chat's retrieval worker: the plan's
 * documents are indexed once per target (passages are cut in that model's tokens, for its window)
 * under a conversation of the run's own, questions are grounded exactly as the chat grounds a
 * conversation's sources, and the run's index is dropped when it ends.
 */
import type { GroundedPrompt, GroundPrompt, LoadedTarget } from '../bench/bench-runner';
import type { BenchDocument, BenchPrompt } from '../bench/bench-types';
import type { Route } from '../engine/router';
import type { EmbedderSpec, RetrievalApi } from '../rag/retrieval-types';
import { contextFor, tokenizerFor, type ModelRefFor } from './source-specs';

export interface BenchGroundingDeps {
  retrieval: Pick<RetrievalApi, 'index' | 'ground' | 'forget'>;
  modelRef: ModelRefFor;
  embedder: () => EmbedderSpec | null;
  /** Names the run's conversations, so two runs never share an index. */
  runId: string;
}

interface IndexedDocuments {
  conversationId: string;
  sources: { id: string; name: string }[];
}

export class BenchGrounding {
  private readonly routes = new WeakMap<LoadedTarget, Route>();
  private readonly indexed = new Map<string, Promise<IndexedDocuments>>();

  constructor(private readonly deps: BenchGroundingDeps) {}

  /** Keeps the route a target loaded with: its tokenizer and window decide the passages. */
  remember(target: LoadedTarget, route: Route): void {
    this.routes.set(target, route);
  }

  readonly ground: GroundPrompt = async (target, prompt, documents, maxNewTokens) => {
    const route = this.routes.get(target);
    if (!route) throw new Error('the benchmark lost track of the loaded model (a bug)');
    const { conversationId, sources } = await this.indexOnce(route, documents);
    const messages = prompt.messages;
    const system = messages[0]?.role === 'system' ? messages[0].content : '';
    const result = await this.deps.retrieval.ground({
      conversationId,
      sources,
      systemPrompt: system,
      history: messages.slice(0, -1).filter((m) => m.role !== 'system'),
      question: lastQuestion(prompt),
      contextLength: contextFor(route, route.model),
      maxNewTokens,
      tokenizer: tokenizerFor(route, this.deps.modelRef),
      embedder: this.deps.embedder(),
    });
    const { passages, leftOut, retrievalMs } = result.grounding;
    const inPrompt = [...passages].sort((a, b) => a.n - b.n).map((p) => p.sourceName);
    return {
      messages: result.messages,
      passages: inPrompt,
      leftOut: leftOut.map((p) => p.sourceName),
      retrievalMs,
    } satisfies GroundedPrompt;
  };

  /** Drops every index this run made; a failure leaves only stale passages behind, so it is not an error. */
  readonly cleanUp = async (): Promise<void> => {
    const all = await Promise.allSettled(this.indexed.values());
    this.indexed.clear();
    for (const entry of all) {
      if (entry.status !== 'fulfilled') continue;
      const { conversationId, sources } = entry.value;
      await this.deps.retrieval.forget(
        conversationId,
        sources.map((s) => s.id),
        [],
      );
    }
  };

  /** One index per model, backend and variant: passages are cut in its tokens. */
  private indexOnce(route: Route, documents: readonly BenchDocument[]): Promise<IndexedDocuments> {
    const conversationId = `bench-${this.deps.runId}-${route.model.id}-${route.loaded.backend}-${route.loaded.dtype}`;
    let pending = this.indexed.get(conversationId);
    if (!pending) {
      pending = this.index(conversationId, route, documents);
      this.indexed.set(conversationId, pending);
    }
    return pending;
  }

  private async index(conversationId: string, route: Route, documents: readonly BenchDocument[]): Promise<IndexedDocuments> {
    const sources = documents.map((d, i) => ({ id: `${conversationId}-doc-${i}`, name: d.name }));
    const tokenizer = tokenizerFor(route, this.deps.modelRef);
    const contextLength = contextFor(route, route.model);
    const embedder = this.deps.embedder();
    for (const [i, d] of documents.entries()) {
      await this.deps.retrieval.index({
        conversationId,
        sourceId: sources[i]!.id,
        text: d.text,
        existing: sources.slice(0, i).map((s) => s.id),
        tokenizer,
        contextLength,
        embedder,
      });
    }
    return { conversationId, sources };
  }
}

function lastQuestion(prompt: BenchPrompt): string {
  return prompt.messages[prompt.messages.length - 1]!.content;
}
