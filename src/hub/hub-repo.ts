/**
 * Turning a hub repository into a catalog entry ("bring your own model"). Pure: it takes what
 * hub-client.ts fetched (the file listing of one revision, config.json, tokenizer_config.json,
 * the model card's metadata) and decides whether transformers.js can run it here as a chat model,
 * with every reason it cannot spelled out. A model folder picked from disk is read the same way
 * (local-import.ts), since it is laid out like a hub repository.
 */
import { parseModel, type CatalogFile, type CatalogModel, type Dtype } from '../catalog/schema';
import { onnxFileForDtype } from '../catalog/dtypes';
import { DTYPES } from '../catalog/schema';
import { externalDataChunks, type HubTreeEntry } from './hub-listing';

export type { HubTreeEntry } from './hub-listing';

/** What hub-client.ts read about one repository at one commit. */
export interface HubRepoFacts {
  repo: string;
  /** The commit the listing is of: entries are pinned to it. */
  revision: string;
  tree: readonly HubTreeEntry[];
  config: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown> | null;
  /** `cardData.license` of the model info, when the card has one. */
  license: string | null;
}

/** Thrown when a repository cannot become a browser chat model; the message says why. */
export class HubRepoError extends Error {
  override readonly name = 'HubRepoError';
}

/**
 * Decoder-only architectures transformers.js v4 runs with AutoModelForCausalLM. A repo of another
 * type (an encoder, a vision model) would load and then fail at generate().
 */
export const CAUSAL_LM_TYPES = new Set([
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'qwen3_moe',
  'phi',
  'phi3',
  'gemma',
  'gemma2',
  'gemma3_text',
  'granite',
  'smollm3',
  'gpt_oss',
  'olmo',
  'olmo2',
  'stablelm',
  'gpt2',
  'gpt_neox',
  'gptj',
  'falcon',
  'cohere',
  'exaone',
  'helium',
  'glm',
  'ernie4_5',
  'lfm2',
  'mobilellm',
  'openelm',
  'starcoder2',
  'codegen',
  'opt',
  'bloom',
  'mpt',
]);

const ROOT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const REQUIRED_ROOT: readonly string[] = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

function fileOf(entry: HubTreeEntry): CatalogFile {
  const sha = entry.lfs?.oid;
  return { path: entry.path, bytes: entry.size, ...(sha && /^[0-9a-f]{64}$/.test(sha) ? { sha256: sha } : {}) };
}

function num(config: Record<string, unknown>, key: string): number | null {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Parameters from the shapes in config.json (LLaMA-style: embeddings, attention with grouped KV
 * heads, a gated MLP per layer). An estimate — the card's number is better when there is one —
 * but within a few percent for the families above, which is all the fit check needs.
 */
export function estimateParameters(config: Record<string, unknown>): number | null {
  const text = (config['text_config'] as Record<string, unknown> | undefined) ?? config;
  const h = num(text, 'hidden_size');
  const layers = num(text, 'num_hidden_layers');
  const vocab = num(text, 'vocab_size');
  const heads = num(text, 'num_attention_heads');
  if (h === null || layers === null || vocab === null || heads === null) return null;
  const inter = num(text, 'intermediate_size') ?? 4 * h;
  const headDim = num(text, 'head_dim') ?? h / heads;
  const kvHeads = num(text, 'num_key_value_heads') ?? heads;
  const attention = h * heads * headDim * 2 + h * kvHeads * headDim * 2;
  const mlp = 3 * h * inter;
  const embeddings = vocab * h * (text['tie_word_embeddings'] === false ? 2 : 1);
  return Math.round(embeddings + layers * (attention + mlp));
}

/** What a model folder holds, wherever it comes from (a hub commit, files picked from disk). */
export interface FolderFacts {
  /** Names the folder in messages: "owner/name" or the picked folder's name. */
  label: string;
  tree: readonly HubTreeEntry[];
  config: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown> | null;
  license: string | null;
}

/** Who the entry is: its id, name, source and note. */
export interface EntryIdentity {
  id: string;
  name: string;
  source: CatalogModel['source'];
  notes: string;
}

/** The chat model a folder holds, as a catalog entry, or a HubRepoError saying why not. */
export function folderToModel(facts: FolderFacts, identity: EntryIdentity): CatalogModel {
  const files = new Map(facts.tree.filter((e) => e.type === 'file').map((e) => [e.path, e]));
  const problems: string[] = [];
  const modelType = typeof facts.config['model_type'] === 'string' ? facts.config['model_type'] : null;
  if (!modelType) problems.push('config.json has no model_type');
  else if (!CAUSAL_LM_TYPES.has(modelType))
    problems.push(`model_type "${modelType}" is not a text-generation architecture transformers.js runs`);
  for (const name of REQUIRED_ROOT) if (!files.has(name)) problems.push(`${name} is missing`);

  const variants = DTYPES.flatMap((dtype: Dtype) => {
    const main = onnxFileForDtype(dtype);
    const entry = files.get(main);
    if (!entry) return [];
    // External weights: model_q4.onnx_data, model_q4.onnx_data_1, ... in chunk order.
    const data = externalDataChunks(main, [...files.values()]);
    return [{ dtype, files: [entry, ...data].map(fileOf) }];
  });
  if (variants.length === 0) {
    problems.push('it has no onnx/model*.onnx files (transformers.js needs an ONNX export, e.g. from an onnx-community repo)');
  }
  const template = facts.tokenizerConfig?.['chat_template'];
  if (facts.tokenizerConfig && !template) problems.push('tokenizer_config.json has no chat_template, so it is not a chat model');
  if (problems.length) throw new HubRepoError(`${facts.label} cannot run here as a chat model: ${problems.join('; ')}.`);

  const text = (facts.config['text_config'] as Record<string, unknown> | undefined) ?? facts.config;
  const layers = num(text, 'num_hidden_layers');
  const heads = num(text, 'num_attention_heads');
  const hidden = num(text, 'hidden_size');
  const kvHeads = num(text, 'num_key_value_heads') ?? heads;
  const headDim = num(text, 'head_dim') ?? (hidden !== null && heads !== null ? hidden / heads : null);
  const shape =
    layers !== null && kvHeads !== null && headDim !== null && Number.isInteger(headDim) ? { layers, kvHeads, headDim } : undefined;
  const entry = {
    ...identity,
    architecture: modelType,
    parameters: estimateParameters(facts.config),
    contextLength: num(text, 'max_position_embeddings'),
    license: facts.license ?? 'unknown (see the model card)',
    tasks: ['chat'],
    ...(shape ? { shape } : {}),
    files: ROOT_FILES.flatMap((f) => {
      const e = files.get(f);
      return e ? [fileOf(e)] : [];
    }),
    variants,
  };
  return parseModel(entry, facts.label);
}

/** A catalog-safe id from any text: "hub:Org/Model" -> "hub-org-model". */
export function slugId(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
}

/** The chat model a hub repository holds at one commit, pinned to it. */
export function hubRepoToModel(facts: HubRepoFacts): CatalogModel {
  return folderToModel(
    { label: facts.repo, tree: facts.tree, config: facts.config, tokenizerConfig: facts.tokenizerConfig, license: facts.license },
    {
      id: slugId(`hub:${facts.repo}`),
      name: facts.repo.split('/')[1] ?? facts.repo,
      source: { kind: 'hub', repo: facts.repo, revision: facts.revision },
      notes: `Added from the hub at revision ${facts.revision.slice(0, 12)}.`,
    },
  );
}
