/**
 * The bundled embedding model (tools/embed), run by transformers.js on onnxruntime-node through
 * the feature-extraction pipeline with mean pooling and normalisation, must match its PyTorch
 * reference: the Python tokenizer's ids, and per dtype the vector of every golden sentence, alone
 * and in one padded batch. On the held-out retrieval questions it must find the right passage as
 * often as the PyTorch reference did (tools/embed/reports/pocket-embed.json), less a small margin.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { AutoTokenizer, env, pipeline, type FeatureExtractionPipeline, type PreTrainedTokenizer } from '@huggingface/transformers';
import { PUBLIC_MODELS } from '../support/paths';
import { EMBED_MODEL_ID, readEmbedGolden, readEmbedReport, readRetrievalSets } from '../support/embed-golden';

env.localModelPath = `${PUBLIC_MODELS}/`;
env.allowRemoteModels = false;
env.useFSCache = false;

const DTYPES = ['fp32', 'q8'] as const;
type EmbedDtype = (typeof DTYPES)[number];
const MIN_COSINE = 0.9999;
/**
 * fp32 agrees with PyTorch to float noise (about 1e-7 seen here). For q8, onnxruntime on x86-64 and
 * ARM64 fuses each DequantizeLinear -> MatMul into an 8-bit MatMulNBits that also rounds the
 * activations to int8 (accuracy_level 4), while the reference multiplies by the exact dequantized
 * weights: about 5e-4 seen here.
 */
const MAX_ABS_DIFF: Record<EmbedDtype, number> = { fp32: 1e-5, q8: 2e-3 };
/** Vectors agree to 1e-4, so rankings can differ only where two passages score within that of each other. */
const HIT_MARGIN = 0.01;
const BATCH = 32;

const golden = readEmbedGolden();
const retrieval = readRetrievalSets();
const report = readEmbedReport();

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? Number.NaN), 0);
}

function cosine(a: readonly number[], b: readonly number[]): number {
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - (b[i] ?? Number.NaN))), 0);
}

async function embed(extractor: FeatureExtractionPipeline, texts: string[]): Promise<number[][]> {
  const rows: number[][] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const out = await extractor(texts.slice(start, start + BATCH), { pooling: 'mean', normalize: true });
    rows.push(...(out.tolist() as number[][]));
  }
  return rows;
}

/** Share of questions whose own passage scores highest (a tie counts as the expected hit of a random pick). */
function hitAt1(questions: number[][], pool: number[][], targets: number[]): number {
  const hits = questions.map((q, i) => {
    const scores = pool.map((p) => dot(q, p));
    const own = scores[targets[i] ?? -1] ?? Number.NaN;
    if (scores.some((s) => s > own)) return 0;
    return 1 / scores.filter((s) => s === own).length;
  });
  return hits.reduce((a, b) => a + b, 0) / hits.length;
}

describe(`${EMBED_MODEL_ID}: tokenizer`, () => {
  let tokenizer: PreTrainedTokenizer;
  beforeAll(async () => {
    tokenizer = await AutoTokenizer.from_pretrained(EMBED_MODEL_ID);
  });

  it('gives the Python reference ids for every golden sentence', () => {
    for (const c of golden.cases) expect(tokenizer.encode(c.text), c.text).toEqual(c.input_ids);
  });
});

for (const dtype of DTYPES) {
  describe(`${EMBED_MODEL_ID} ${dtype}`, () => {
    let extractor: FeatureExtractionPipeline;
    beforeAll(async () => {
      extractor = await pipeline('feature-extraction', EMBED_MODEL_ID, { dtype, device: 'cpu' });
    });
    afterAll(async () => {
      await extractor.dispose();
    });

    function expectGolden(vectors: number[][]): void {
      golden.cases.forEach((c, i) => {
        const want = c.vectors[dtype] ?? [];
        const got = vectors[i] ?? [];
        expect(got.length, c.text).toBe(golden.dimensions);
        expect(cosine(got, want), c.text).toBeGreaterThanOrEqual(MIN_COSINE);
        expect(maxAbsDiff(got, want), c.text).toBeLessThanOrEqual(MAX_ABS_DIFF[dtype]);
      });
    }

    it('embeds each golden sentence alone like PyTorch', async () => {
      const vectors: number[][] = [];
      for (const c of golden.cases) vectors.push(...(await embed(extractor, [c.text])));
      expectGolden(vectors);
    });

    it('embeds all golden sentences in one padded batch like PyTorch', async () => {
      const out = await extractor(
        golden.cases.map((c) => c.text),
        { pooling: 'mean', normalize: true },
      );
      expectGolden(out.tolist() as number[][]);
    });

    for (const pool of ['passages', 'chunks'] as const) {
      for (const split of ['held_out_questions', 'held_out_facts']) {
        it(`finds the ${pool} that answer ${split.replaceAll('_', ' ')} as often as the PyTorch reference`, async () => {
          const set = retrieval[pool];
          const rows = set.splits[split] ?? [];
          const reference = report.retrieval[pool]?.[split]?.[`embedding_${dtype}`]?.['hit@1'] ?? Number.NaN;
          expect(rows.length).toBeGreaterThan(0);
          const texts = await embed(
            extractor,
            set.pool.map((p) => p.text),
          );
          const questions = await embed(
            extractor,
            rows.map((r) => r.query),
          );
          const hit = hitAt1(
            questions,
            texts,
            rows.map((r) => r.target),
          );
          expect(hit).toBeGreaterThanOrEqual(reference - HIT_MARGIN);
        });
      }
    }
  });
}
