/**
 * The retrieval service as the retrieval worker runs it, with the bundled model's real tokenizer
 * (transformers.js on Node, the same loader as in the worker): passages sized in its tokens, and
 * a grounded prompt whose token count equals the one the app's runner then reads (onnxruntime-node),
 * leaving the room it promised for the answer. Storage is in memory (no IndexedDB in Node; the
 * e2e tests cover it in Chromium).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationEvent, ModelRef } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { workerProviders } from '../../src/engine/worker/retrieval-providers';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { createRetrievalService } from '../../src/rag/retrieval-service';
import type { TokenizerSpec } from '../../src/rag/retrieval-types';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { MemorySources } from '../unit/app-fixtures';
import { PUBLIC_MODELS, bundledModels } from '../support/paths';

const model = bundledModels().find((m) => m.id === 'pocket-chat-1m')!;
const variant = model.variants.find((v) => v.dtype === 'fp32')!;
const ref: ModelRef = {
  id: model.id,
  location: path.join(PUBLIC_MODELS, model.id),
  dtype: 'fp32',
  device: 'wasm',
  contextLength: model.contextLength!,
  files: [...model.files, ...variant.files],
};
const tokenizer: TokenizerSpec = { kind: 'model', ref, label: "Pocket Chat 1M's tokenizer" };

const paragraph = (topic: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `The ${topic} log entry ${i} records that crate ${i * 7} left the harbor on a calm morning.`).join(
    ' ',
  );
const DOC = `# Harbor\n\n${paragraph('harbor', 12)}\n\n# Lantern\n\nThe Harbor Lantern runs for nine hours on one charge.\n\n${paragraph('lantern', 10)}`;

const runner = new ModelRunner(
  { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU · onnxruntime-node' },
  new StopFlag(),
);

async function promptTokensOf(messages: ChatMessage[]): Promise<number> {
  let prompt = -1;
  await runner.generate(1, messages, { ...DEFAULT_PARAMS, maxNewTokens: 1 }, (e: GenerationEvent) => {
    if (e.type === 'start') prompt = e.promptTokens ?? -1;
  });
  return prompt;
}

beforeAll(async () => {
  await runner.load(ref, () => undefined);
});

describe('retrieval service with the real tokenizer', () => {
  const stores = new MemorySources();
  const providers = workerProviders({ device: 'cpu', now: () => performance.now() });
  const service = createRetrievalService(stores.stores, providers);
  const conversationId = 'c1';

  it('cuts a source into passages of at most an eighth of the window, in the model’s own tokens', async () => {
    const report = await service.index({
      conversationId,
      sourceId: 's1',
      text: DOC,
      existing: [],
      tokenizer,
      contextLength: 512,
      embedder: null,
    });
    expect(report.chunking).toEqual({ chunkTokens: 64, overlapTokens: 16, counter: "Pocket Chat 1M's tokenizer" });
    const chunks = stores.content.get('s1')!.chunks;
    expect(chunks.length).toBe(report.chunkCount);
    expect(chunks.length).toBeGreaterThan(4);
    const counter = await providers.counter(tokenizer);
    for (const c of chunks) {
      const counted = counter.text(c.heading ? `${c.heading}\n${c.text}` : c.text);
      expect(counted).toBe(c.tokens);
      expect(counted).toBeLessThanOrEqual(64);
    }
    expect(providers.loads.tokenizers).toBe(1);
  });

  it('grounds a question in a prompt the runner reads in exactly the tokens counted, with the answer’s room left', async () => {
    const { messages, grounding } = await service.ground({
      conversationId,
      sources: [{ id: 's1', name: 'log.md' }],
      systemPrompt: '',
      history: [],
      question: 'How long does the Harbor Lantern run on one charge?',
      contextLength: 512,
      maxNewTokens: 256,
      tokenizer,
      embedder: null,
    });
    expect(grounding.passages[0]!.text).toContain('The Harbor Lantern runs for nine hours on one charge.');
    expect(grounding.passages[0]!.heading).toBe('Lantern');
    expect(grounding.answerTokens).toBe(128);
    expect(await promptTokensOf(messages)).toBe(grounding.promptTokens);
    expect(grounding.promptTokens + grounding.answerTokens).toBeLessThanOrEqual(512);
    // The window cannot hold every passage retrieved: the rest are named, and so is the reason.
    expect(grounding.leftOut.length).toBeGreaterThan(0);
    expect(grounding.statement).toMatch(
      /left out .*the 512-token context window holds the question, \d+ passages? and 128 tokens for the answer \(counted with Pocket Chat 1M's tokenizer\)\.$/,
    );
  });

  it('loads the stored index instead of rebuilding it, in a new service over the same stores', async () => {
    const again = createRetrievalService(stores.stores, workerProviders({ device: 'cpu', now: () => performance.now() }));
    const { grounding } = await again.ground({
      conversationId,
      sources: [{ id: 's1', name: 'log.md' }],
      systemPrompt: '',
      history: [],
      question: 'How long does the Harbor Lantern run?',
      contextLength: 512,
      maxNewTokens: 256,
      tokenizer,
      embedder: null,
    });
    expect(grounding.passages[0]!.heading).toBe('Lantern');
    expect(await again.stats()).toMatchObject({ sourcesIndexed: 0, lexicalLoaded: 1, lexicalRebuilt: 0 });
  });
});
