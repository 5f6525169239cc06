/**
 * The benchmark model (tools/models/build_bench.py: Qwen2.5-0.5B's layer shapes, random weights,
 * the hub's graph form) built at 2 layers instead of 24 so the suite stays fast: every dtype loads
 * in transformers.js on onnxruntime-node like a hub model and computes what PyTorch computes with
 * the file's weights. The reference logits come from the builder's PyTorch reference
 * (tools/models/reference.py), never from ONNX Runtime. Random weights give near-ties between the
 * top logits, so the test compares logits within a bound instead of greedy tokens.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, type PreTrainedModel } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogModel } from '../../src/catalog/schema';
import { ROOT } from '../support/paths';

const LAYERS = 2;
const MODEL_ID = 'bench-0.5b';
/**
 * Largest |ONNX Runtime - PyTorch| per logit. fp32 and q4 (fp32 compute) differ by summation order
 * only; q8 also by an activation code where float noise crosses a rounding boundary of
 * DynamicQuantizeLinear; q4f16 computes in float16 and is held to q4's reference.
 */
const TOLERANCE: Record<string, number> = { fp32: 1e-3, q4: 1e-3, q8: 2e-2, q4f16: 3e-2 };
const NEW_TOKENS = 24;

interface Reference {
  input_ids: number[];
  next_id: number;
  prefill_logits: Record<string, number[]>;
  step_logits: Record<string, number[]>;
}

let work: string;
let folder: string;
let reference: Reference;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-model-'));
  folder = path.join(work, MODEL_ID);
  const script = path.join(ROOT, 'tools', 'models', 'build_bench.py');
  const args = [script, '--layers', String(LAYERS), '--out', folder, '--reference', path.join(work, 'reference.json')];
  await promisify(execFile)('/usr/bin/python3', args, { cwd: ROOT, maxBuffer: 1 << 20 });
  reference = JSON.parse(fs.readFileSync(path.join(work, 'reference.json'), 'utf8')) as Reference;
  env.localModelPath = `${work}/`;
  env.allowRemoteModels = false;
  env.useFSCache = false;
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function manifestEntry(): CatalogModel {
  const catalog = parseCatalog(JSON.parse(fs.readFileSync(path.join(folder, 'models.json'), 'utf8')));
  expect(catalog.models.map((m) => m.id)).toEqual([MODEL_ID]);
  return catalog.models[0]!;
}

function maxDifference(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - b[i]!));
  return worst;
}

/** The last position's logits of a forward pass, as float32 whatever the graph's output type. */
function lastLogits(logits: Tensor): Float32Array {
  const [, length, vocab] = logits.dims as [number, number, number];
  const data = logits.to('float32').data as Float32Array;
  return data.slice((length - 1) * vocab, length * vocab);
}

const ids = (values: readonly number[]): Tensor => new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
const ones = (n: number): Tensor => new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);

describe('bench-0.5b at 2 layers', () => {
  it('has Qwen2.5-0.5B layer shapes, and a models.json that lists every file with its real size and SHA-256', () => {
    const config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'llama',
      num_hidden_layers: LAYERS,
      hidden_size: 896,
      intermediate_size: 4864,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      head_dim: 64,
      rope_theta: 1_000_000,
      max_position_embeddings: 4096,
    });
    const entry = manifestEntry();
    expect(entry.variants.map((v) => v.dtype).sort()).toEqual(['fp32', 'q4', 'q4f16', 'q8']);
    for (const file of [...entry.files, ...entry.variants.flatMap((v) => v.files)]) {
      const bytes = fs.readFileSync(path.join(folder, file.path));
      expect(bytes.length, file.path).toBe(file.bytes);
      expect(crypto.createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
    }
  });

  for (const dtype of ['fp32', 'q8', 'q4', 'q4f16'] as const) {
    it(`${dtype}: onnxruntime-node computes the PyTorch reference's logits, with and without the KV cache, and generates`, async () => {
      const want = reference.prefill_logits[dtype] ?? reference.prefill_logits['q4']!;
      const wantStep = reference.step_logits[dtype] ?? reference.step_logits['q4']!;
      const lm: PreTrainedModel = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { dtype, device: 'cpu' });
      try {
        const n = reference.input_ids.length;
        const first = (await lm({ input_ids: ids(reference.input_ids), attention_mask: ones(n) })) as Record<string, Tensor>;
        expect(maxDifference(lastLogits(first['logits']!), want)).toBeLessThan(TOLERANCE[dtype]!);
        // The graph's present.* outputs fed back as past_key_values.*: one decode step on the KV cache.
        const past = Object.fromEntries(
          Object.entries(first)
            .filter(([name]) => name.startsWith('present.'))
            .map(([name, t]) => [name.replace('present.', 'past_key_values.'), t]),
        );
        expect(Object.keys(past)).toHaveLength(2 * LAYERS);
        const step = (await lm({ input_ids: ids([reference.next_id]), attention_mask: ones(n + 1), past_key_values: past })) as {
          logits: Tensor;
        };
        expect(maxDifference(lastLogits(step.logits), wantStep)).toBeLessThan(TOLERANCE[dtype]!);

        // The special tokens' lm_head rows are zero, so a random model never ends early.
        const out = await lm.generate({
          input_ids: ids(reference.input_ids),
          attention_mask: ones(n),
          max_new_tokens: NEW_TOKENS,
          do_sample: false,
        });
        const generated = Array.from((out as Tensor).data as BigInt64Array, Number).slice(n);
        expect(generated).toHaveLength(NEW_TOKENS);
        const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
        const special = new Set(tokenizer.all_special_ids);
        expect(generated.filter((t) => special.has(t) || t < 0 || t >= 512)).toEqual([]);
      } finally {
        await lm.dispose();
      }
    });
  }
});
