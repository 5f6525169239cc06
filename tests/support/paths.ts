/** Repository paths shared by Node-side tests. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';
import { isEmbeddingModel, parseCatalog, type Catalog, type CatalogModel } from '../../src/catalog/schema';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PUBLIC_MODELS = path.join(ROOT, 'public', 'models');
export const GOLDEN_DIR = path.join(ROOT, 'tools', 'models', 'golden');
/** Hub repositories laid out like real ones, for the hub mirror (tests/fixtures/hub/<name>/README.md says what each is). */
export const HUB_FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'hub');

export function readCatalog(): Catalog {
  return parseCatalog(JSON.parse(fs.readFileSync(path.join(PUBLIC_MODELS, 'models.json'), 'utf8')));
}

/** Every bundled model: the chat models and the embedding model. */
export function bundledModels(): CatalogModel[] {
  return readCatalog().models.filter((m) => m.source.kind === 'bundled');
}

/** The bundled chat models (the ones with PyTorch golden answers in tools/models/golden/). */
export function bundledChatModels(): CatalogModel[] {
  return bundledModels().filter((m) => !isEmbeddingModel(m));
}

/** One golden case: chat messages, their templated ids, and the reference greedy ids per dtype. */
export interface GoldenCase {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  input_ids: number[];
  output_ids: Record<string, number[]>;
  /** The decoded answer per dtype (Python reference decoder, special tokens skipped). */
  texts: Record<string, string>;
  /** Per dtype, the smallest gap between the top two logits over the answer's steps. */
  min_logit_margin: Record<string, number>;
  /**
   * Dtypes whose gap fell below `decidable_margin` somewhere: a different but correct kernel may pick
   * the other token there, so no backend can be held to that answer. golden.py writes it; the shipped
   * goldens must have none (tests/node/bundled-models.test.ts), since every test holds every dtype.
   */
  too_close_to_call?: string[];
  /**
   * A workshop demo prompt as the app builds it (tools/rag/workshop-demo.ts), on a model fine-tuned
   * to answer from passages: its question and the right answer, which every dtype's golden text is
   * (golden.py keeps only such cases).
   */
  grounded?: { question: string; expected: string };
}

export interface Golden {
  reference: string;
  /** The smallest top-2 logit gap a case needs on a dtype for that answer to be held to. */
  decidable_margin: number;
  max_new_tokens: number;
  eos_token_ids: number[];
  cases: GoldenCase[];
}

export function readGolden(modelId: string): Golden {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, `${modelId}.json`), 'utf8')) as Golden;
}

/** The messages of the golden case of `golden` whose last message is `question`. */
export function goldenMessages(golden: Golden, question: string): Golden['cases'][number]['messages'] {
  const found = golden.cases.find((c) => c.messages[c.messages.length - 1]?.content === question);
  if (!found) throw new Error(`no golden case ends with ${JSON.stringify(question)}`);
  return found.messages;
}
