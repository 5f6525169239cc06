/** The embedding model's PyTorch references (tools/embed): golden vectors, the retrieval set and the report. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths';

export const EMBED_DIR = path.join(ROOT, 'tools', 'embed');
export const EMBED_MODEL_ID = 'pocket-embed';

/** One golden sentence: the Python tokenizer's ids and the PyTorch vector per dtype. */
export interface EmbedGoldenCase {
  text: string;
  input_ids: number[];
  vectors: Record<string, number[]>;
}

export interface EmbedGolden {
  reference: string;
  pooling: 'mean';
  normalize: boolean;
  dimensions: number;
  cases: EmbedGoldenCase[];
}

/** A pool of texts (the facts each states) and, per split, questions with the index of the text that answers each. */
export interface RetrievalSet {
  pool: { text: string; facts: string[] }[];
  splits: Record<string, { query: string; target: number; family: string }[]>;
}

/** The pools the PyTorch reference measured: one passage per fact, and the same passages in chunks. */
export type RetrievalSets = Record<'passages' | 'chunks', RetrievalSet>;

export interface Accuracy {
  n: number;
  'hit@1': number;
  'hit@3': number;
}

/** What the PyTorch reference measured, per pool, split and method (`bm25`, `embedding_fp32`, `fused_q8`...). */
export interface EmbedReport {
  retrieval: Record<string, Record<string, Record<string, Accuracy>>>;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(EMBED_DIR, file), 'utf8'));
}

export const readEmbedGolden = (): EmbedGolden => readJson(`golden/${EMBED_MODEL_ID}.json`) as EmbedGolden;
export const readRetrievalSets = (): RetrievalSets => readJson(`golden/${EMBED_MODEL_ID}-retrieval.json`) as RetrievalSets;
export const readEmbedReport = (): EmbedReport => readJson(`reports/${EMBED_MODEL_ID}.json`) as EmbedReport;
