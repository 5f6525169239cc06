/**
 * A stand-in for gpt-oss, for tests of the runner and the gateway around a model that writes
 * Harmony. There is no small Harmony model here (gpt-oss-20b is 12 GB and needs a GPU), so:
 *
 * - the tokenizer is real: Pocket Chat 1M's byte-level BPE plus the Harmony special tokens under
 *   their o200k_harmony ids, with a chat template that, like gpt-oss', ends the prompt with
 *   `<|start|>assistant` and writes `Reasoning: {reasoning_effort}` (default medium) into the
 *   system message;
 * - the model is scripted (the double): its generate() replays the tokens of a scripted Harmony
 *   reply the way transformers.js' generate() does (the prompt to the streamer first, then one
 *   token per step, checking the token budget, the EOS ids and the stopping criteria after each).
 *
 * Everything between the two (templating, the prompt, decoding with special tokens, the Harmony
 * parser, counting, timing, events) is the code under test.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, GenerationConfig, PretrainedConfig, Tensor, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { CausalLM } from '../../src/engine/worker/model-runner';
import { PUBLIC_MODELS } from './paths';

/** The Harmony special tokens and their ids in o200k_harmony (openai/harmony docs/format.md). */
export const HARMONY_IDS = {
  '<|return|>': 200002,
  '<|constrain|>': 200003,
  '<|channel|>': 200005,
  '<|start|>': 200006,
  '<|end|>': 200007,
  '<|message|>': 200008,
  '<|call|>': 200012,
} as const;

/** A reserved special token (o200k_harmony has many): the runner must drop it from the text. */
export const RESERVED = '<|reserved_200013|>';

// Shaped like gpt-oss' template where it matters here: the effort variable and its default, the
// messages, and the generation prompt.
const TEMPLATE =
  "{%- if reasoning_effort is not defined %}{%- set reasoning_effort = 'medium' %}{%- endif %}" +
  '<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\nReasoning: {{ reasoning_effort }}\n\n' +
  '# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>' +
  '{%- for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{%- endfor %}' +
  '{%- if add_generation_prompt %}<|start|>assistant{%- endif %}';

/** Writes the stand-in's tokenizer and config into `dir` (made if missing); returns `dir`. */
export function writeHarmonyTokenizer(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(PUBLIC_MODELS, 'pocket-chat-1m');
  const tokenizer = JSON.parse(fs.readFileSync(path.join(source, 'tokenizer.json'), 'utf8')) as {
    added_tokens: { id: number; content: string }[];
  };
  // Pocket Chat's own `<|end|>` (id 4) is replaced by Harmony's.
  tokenizer.added_tokens = tokenizer.added_tokens.filter((t) => t.content !== '<|end|>');
  for (const [content, id] of [...Object.entries(HARMONY_IDS), [RESERVED, 200013] as const]) {
    tokenizer.added_tokens.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true } as {
      id: number;
      content: string;
    });
  }
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  const config = JSON.parse(fs.readFileSync(path.join(source, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ ...config, chat_template: TEMPLATE, eos_token: '<|return|>' }),
  );
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt_oss', vocab_size: 201088 }));
  fs.writeFileSync(
    path.join(dir, 'generation_config.json'),
    JSON.stringify({ eos_token_id: [HARMONY_IDS['<|return|>'], HARMONY_IDS['<|call|>']] }),
  );
  return dir;
}

/** A fresh temporary folder holding the stand-in's tokenizer. */
export function harmonyTokenizerDir(): string {
  return writeHarmonyTokenizer(fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-stand-in-')));
}

export function loadHarmonyTokenizer(dir: string): Promise<PreTrainedTokenizer> {
  return AutoTokenizer.from_pretrained(dir, { local_files_only: true });
}

/** What the scripted model writes for a prompt (the prompt decoded with its special tokens). */
export type HarmonyScript = (prompt: string) => string;

interface StreamerLike {
  put(value: bigint[][]): void;
  end(): void;
}
interface CriterionLike {
  _call(inputIds: bigint[][]): boolean[];
}

/** The scripted model: see the module comment. `prompts` records each prompt it was given. */
export class ScriptedHarmonyModel implements CausalLM {
  readonly prompts: string[] = [];
  readonly config = new PretrainedConfig({ model_type: 'gpt_oss' });
  readonly generation_config = new GenerationConfig(
    new PretrainedConfig({ eos_token_id: [HARMONY_IDS['<|return|>'], HARMONY_IDS['<|call|>']] }),
  );
  disposed = false;

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly script: HarmonyScript,
  ) {}

  generate: CausalLM['generate'] = (options) => {
    const inputIds = options['input_ids'] as Tensor;
    const prompt = Array.from(inputIds.data as BigInt64Array, Number);
    const streamer = options.streamer as StreamerLike | undefined;
    const max = options.max_new_tokens ?? 20;
    const raw = options.stopping_criteria;
    const criteria = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) as unknown as CriterionLike[];
    const eos = new Set<number>([HARMONY_IDS['<|return|>'], HARMONY_IDS['<|call|>']]);
    // The warm-up run has no streamer: it only needs to return.
    const reply = streamer ? this.reply(prompt) : [];
    const all: bigint[][] = [prompt.map(BigInt)];
    streamer?.put(all.map((row) => [...row]));
    for (const id of reply.slice(0, max)) {
      all[0]!.push(BigInt(id));
      streamer?.put([[BigInt(id)]]);
      if (eos.has(id) || criteria.some((c) => c._call(all).every(Boolean))) break;
    }
    streamer?.end();
    return Promise.resolve(new Tensor('int64', BigInt64Array.from(all[0]!), [1, all[0]!.length]));
  };

  dispose: CausalLM['dispose'] = () => {
    this.disposed = true;
    return Promise.resolve([]);
  };

  private reply(prompt: number[]): number[] {
    const text = this.tokenizer.decode(prompt, { skip_special_tokens: false });
    this.prompts.push(text);
    return this.tokenizer.encode(this.script(text), { add_special_tokens: false });
  }
}

/**
 * A public/ folder for the gateway serving the stand-in as a bundled model (`harmony-stand-in`):
 * its catalog entry, its tokenizer, and an ONNX file that only fills the catalog's place (the
 * scripted model is used instead of it).
 */
export function harmonyPublicDir(): { publicDir: string; folder: string } {
  const publicDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harmony-public-'));
  const folder = writeHarmonyTokenizer(path.join(publicDir, 'models', 'harmony-stand-in'));
  fs.mkdirSync(path.join(folder, 'onnx'));
  fs.writeFileSync(path.join(folder, 'onnx', 'model_q4.onnx'), 'not a model: the scripted model stands in for it\n');
  const file = (p: string): { path: string; bytes: number; sha256: string } => {
    const data = fs.readFileSync(path.join(folder, p));
    return { path: p, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  };
  const catalog = {
    schemaVersion: 1,
    models: [
      {
        id: 'harmony-stand-in',
        name: 'Harmony stand-in',
        source: { kind: 'bundled', path: 'models/harmony-stand-in' },
        architecture: 'gpt_oss',
        parameters: 1,
        contextLength: 512,
        license: 'MIT',
        tasks: ['chat', 'reasoning'],
        files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'].map(file),
        variants: [{ dtype: 'q4', files: [file('onnx/model_q4.onnx')] }],
        notes: 'A tokenizer with the Harmony special tokens and a scripted model (tests only).',
      },
    ],
  };
  fs.writeFileSync(path.join(publicDir, 'models', 'models.json'), JSON.stringify(catalog, null, 1));
  return { publicDir, folder };
}
