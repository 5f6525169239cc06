/**
 * The workshop demo's grounded prompts exactly as the app builds them: the three sentences pasted
 * as one text (named by pastedSource), indexed and grounded by the real retrieval service with
 * the bundled chat model's tokenizer and the embedding model embedderFor picks (onnxruntime-node
 * here, the worker's loaders), for the app's default "max new tokens". Storage is in memory.
 * tools/models/golden.py turns these prompts into grounded golden cases; the node tests check the
 * goldens still hold exactly these prompts and that the bundled models answer them.
 */
import path from 'node:path';
import { embedderFor } from '../../src/app/source-specs';
import type { LexicalRecord } from '../../src/cache/lexical-index-store';
import type { SourceContent } from '../../src/cache/source-content-store';
import type { CatalogModel } from '../../src/catalog/schema';
import type { ChatMessage, ModelRef } from '../../src/engine/engine-types';
import { workerProviders } from '../../src/engine/worker/retrieval-providers';
import type { IndexStores } from '../../src/rag/conversation-index';
import { pastedSource } from '../../src/rag/ingest/read-source';
import { createRetrievalService } from '../../src/rag/retrieval-service';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

/** The pasted text: three sentences about Foundry Local, RAG and small language models, one paragraph. */
export const WORKSHOP_TEXT =
  'Foundry Local runs AI models on your own device. RAG is a method that answers questions from your own documents. ' +
  'Small language models are language models that run on a laptop or a phone.';

/** The demo's questions and the right answers: the sentence that answers, cited, or the refusal. */
export const WORKSHOP_QUESTIONS: readonly { question: string; answers: string | null }[] = [
  { question: 'What does Foundry Local do?', answers: 'Foundry Local runs AI models on your own device.' },
  { question: 'What is Foundry Local?', answers: 'Foundry Local runs AI models on your own device.' },
  { question: 'What is RAG?', answers: 'RAG is a method that answers questions from your own documents.' },
  { question: 'What are small language models?', answers: 'Small language models are language models that run on a laptop or a phone.' },
  { question: 'Who made Foundry Local?', answers: null },
  { question: 'What is the capital of Mars?', answers: null },
];

/** What a trained model says when the passages do not hold the answer (tools/models/grounded.py). */
export const NO_ANSWER = 'The context does not say.';

export interface WorkshopPrompt {
  question: string;
  messages: ChatMessage[];
  /** The texts of the passages in the prompt, in their numbered order. */
  passages: string[];
}

/** A bundled model's ref in Node: its folder on disk. */
export function folderRef(publicModels: string, model: CatalogModel, plan: Pick<ModelRef, 'device' | 'dtype'>): ModelRef {
  return {
    id: model.id,
    location: path.join(publicModels, model.id),
    dtype: plan.dtype,
    device: plan.device,
    contextLength: model.contextLength!,
    files: [...model.files, ...(model.variants.find((v) => v.dtype === plan.dtype)?.files ?? [])],
  };
}

function memoryStores(): IndexStores {
  const content = new Map<string, SourceContent>();
  const lexical = new Map<string, LexicalRecord>();
  return {
    content: {
      get: (id) => Promise.resolve(content.get(id) ?? null),
      save: (c) => Promise.resolve(void content.set(c.sourceId, c)),
      delete: (id) => Promise.resolve(void content.delete(id)),
    },
    lexical: {
      get: (id) => Promise.resolve(lexical.get(id) ?? null),
      save: (r) => Promise.resolve(void lexical.set(r.conversationId, r)),
      delete: (id) => Promise.resolve(void lexical.delete(id)),
    },
  };
}

/** The grounded prompt of every workshop question for `chatModelId`, as the app sends it. */
export async function workshopPrompts(
  publicModels: string,
  catalog: readonly CatalogModel[],
  chatModelId: string,
): Promise<WorkshopPrompt[]> {
  const chat = catalog.find((m) => m.id === chatModelId);
  if (!chat) throw new Error(`${chatModelId} is not in the catalog`);
  const ref = folderRef(publicModels, chat, { device: 'wasm', dtype: 'fp32' });
  const tokenizer = { kind: 'model' as const, ref, label: `${chat.name}'s tokenizer` };
  const embedder = embedderFor(catalog, (model, plan) => folderRef(publicModels, model, plan));
  const service = createRetrievalService(memoryStores(), workerProviders({ device: 'cpu', now: () => performance.now() }));
  const source = pastedSource(WORKSHOP_TEXT);
  const conversationId = 'workshop';
  const contextLength = ref.contextLength;
  await service.index({ conversationId, sourceId: 'pasted', text: source.text, existing: [], tokenizer, contextLength, embedder });
  const prompts: WorkshopPrompt[] = [];
  for (const { question } of WORKSHOP_QUESTIONS) {
    const { messages, grounding } = await service.ground({
      conversationId,
      sources: [{ id: 'pasted', name: source.name }],
      systemPrompt: '',
      history: [],
      question,
      contextLength,
      maxNewTokens: DEFAULT_PARAMS.maxNewTokens,
      tokenizer,
      embedder,
    });
    prompts.push({ question, messages, passages: grounding.passages.map((p) => p.text) });
  }
  return prompts;
}
