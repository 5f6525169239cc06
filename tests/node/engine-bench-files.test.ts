/**
 * The engine benchmark's file-facing parts (tools/bench) on real files: what a decode step reads,
 * from the bundled models' ONNX files, checked against their architecture in config.json and
 * their parameter count in the catalog; the hand-assembled WASM bandwidth probe, run; model
 * folders found on disk; and the preview server's model-folder route over real HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { onnxFileForDtype } from '../../src/catalog/dtypes';
import { bandwidthModuleBytes, bandwidthProbe, measureWasmBandwidth, READ_STRIDE } from '../../tools/bench/bandwidth-wasm';
import { serveModelFolders } from '../../tools/bench/bench-server';
import { chooseVariants, folderModelRef, ModelFolderError, resolveModel } from '../../tools/bench/model-folders';
import { readOnnxWeights } from '../../tools/bench/onnx-weights';
import { PUBLIC_MODELS, ROOT, bundledChatModels } from '../support/paths';

interface LlamaConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  max_position_embeddings: number;
}

describe.each(bundledChatModels().map((m) => ({ id: m.id, parameters: m.parameters })))(
  'what a decode step of $id reads',
  ({ id, parameters }) => {
    const dir = path.join(PUBLIC_MODELS, id);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as LlamaConfig;
    const {
      hidden_size: h,
      intermediate_size: ff,
      num_hidden_layers: layers,
      num_key_value_heads: kvHeads,
      num_attention_heads: heads,
      head_dim: hd,
      vocab_size: vocab,
      max_position_embeddings: window,
    } = config;
    // Per layer: q and o (h x h), k and v (h x kv), gate, up and down (h x ff); then the LM head.
    const matmulElements = layers * (2 * h * heads * hd + 2 * h * kvHeads * hd + 3 * h * ff) + h * vocab;
    const weights = (dtype: 'fp32' | 'q8' | 'q4') => readOnnxWeights(path.join(dir, onnxFileForDtype(dtype)));

    it('fp32: every parameter once, the matmuls in full, one embedding row, the KV cache by the config', () => {
      const w = weights('fp32');
      expect(w.parameters).toBeGreaterThanOrEqual(parameters!);
      expect(w.parameters).toBeLessThan(parameters! * 1.1);
      expect(w.streamedBytes).toBeGreaterThanOrEqual(4 * matmulElements);
      expect(w.streamedBytes).toBeLessThan(4 * matmulElements * 1.05); // + norms
      // One embedding row; a hub-form export adds a row of its rotary cos and sin caches (hd / 2 each).
      expect(w.gatheredRowBytes).toBeGreaterThanOrEqual(4 * h);
      expect(w.gatheredRowBytes).toBeLessThanOrEqual(4 * h + 4 * hd);
      expect(w.gatheredTableBytes).toBeGreaterThanOrEqual(4 * h * vocab);
      expect(w.gatheredTableBytes).toBeLessThanOrEqual(4 * h * vocab + 4 * hd * window);
      expect(w.kvBytesPerPosition).toBe(layers * 2 * kvHeads * hd * 4);
    });

    it('q8 and q4: a byte or half a byte per matmul weight (plus scales), within the file, the same KV cache', () => {
      // Norm weights stay fp32. Per weight: q8 1 byte plus per-channel or per-tensor scales and
      // zero points; q4 (MatMulNBits, blocks of 32) half a byte, a scale of at most 4 bytes and
      // half a byte of zero point per block: at most 0.5 + 4.5 / 32 = 0.64 bytes.
      const norms = 4 * (2 * layers + 1) * h;
      const bounds = { q8: [1, 1.1], q4: [0.5, 0.65] } as const;
      for (const dtype of ['q8', 'q4'] as const) {
        const w = weights(dtype);
        const file = fs.statSync(path.join(dir, onnxFileForDtype(dtype))).size;
        expect(w.streamedBytes + w.gatheredTableBytes).toBeLessThanOrEqual(file);
        expect(w.streamedBytes).toBeGreaterThanOrEqual(bounds[dtype][0] * matmulElements);
        expect(w.streamedBytes).toBeLessThanOrEqual(bounds[dtype][1] * matmulElements + norms);
        expect(w.kvBytesPerPosition).toBe(layers * 2 * kvHeads * hd * 4);
      }
    });
  },
);

describe('the WASM bandwidth probe', () => {
  it('is a valid module that ORs every 16-byte word it reads, up to the length asked and no further', () => {
    expect(WebAssembly.validate(bandwidthModuleBytes(2))).toBe(true);
    const probe = bandwidthProbe(1 << 16);
    // Lane 0 is bytes 0-3 of each word: bits in words 5, 7 and the last word read count; a bit
    // in lane 1, and one just past the length, do not.
    const length = 4 * READ_STRIDE;
    probe.memory[5 * 16 + 2] = 0x40;
    probe.memory[7 * 16] = 0x03;
    probe.memory[length - 16 + 1] = 0x80;
    probe.memory[9 * 16 + 5] = 0xff;
    probe.memory[length] = 0x10;
    expect(probe.read(length, 3)).toBe(0x408003);
    expect(probe.read(length + READ_STRIDE, 1)).toBe(0x408013);
  });

  it('measures a whole number of pages, written before it is read', () => {
    const sample = measureWasmBandwidth(3 * 65536 + 1, 2);
    expect(sample.bufferBytes).toBe(4 * 65536);
    expect(sample.passes).toBe(2);
    expect(sample.bytesPerSecond).toBeGreaterThan(0);
  });
});

describe('model folders', () => {
  it('finds a bundled model where the app serves it, with every variant and its size', () => {
    const folder = resolveModel('pocket-chat-1m', ROOT);
    expect(folder).toMatchObject({ id: 'pocket-chat-1m', bundled: true, servedAt: '/models/', window: 512 });
    const q4 = folder.variants.find((v) => v.dtype === 'q4')!;
    expect(q4.files).toEqual([
      { path: 'onnx/model_q4.onnx', bytes: fs.statSync(path.join(PUBLIC_MODELS, 'pocket-chat-1m/onnx/model_q4.onnx')).size },
    ]);
    expect(chooseVariants(folder, null).map((v) => v.dtype)).toEqual(['q4', 'q8', 'fp32']);
  });

  it('takes a folder path as a model served apart from the build, and builds the ref the app loads', () => {
    const folder = resolveModel(path.join(PUBLIC_MODELS, 'pocket-chat-3m'), ROOT);
    expect(folder).toMatchObject({ id: 'pocket-chat-3m', bundled: false, servedAt: '/bench-models/' });
    const ref = folderModelRef(
      folder,
      folder.variants.find((v) => v.dtype === 'q8')!,
      'wasm',
      'http://127.0.0.1:1/',
    );
    expect(ref.location).toBe('http://127.0.0.1:1/bench-models/pocket-chat-3m/');
    expect(ref.files?.map((f) => f.path).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('says how to build bench-0.5b when it is not there', () => {
    const emptyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-root-'));
    expect(() => resolveModel('bench-0.5b', emptyRoot)).toThrow(ModelFolderError);
    expect(() => resolveModel('bench-0.5b', emptyRoot)).toThrow(
      /tools\/models\/\.cache\/bench-0\.5b\/ does not exist.*npm run models:bench/,
    );
  });

  it('names the variant a folder lacks', () => {
    expect(() => chooseVariants(resolveModel('pocket-chat-1m', ROOT), ['q4f16'])).toThrow(
      /no q4f16 variant \(onnx\/model_q4f16\.onnx\); it has q4, q8, fp32/,
    );
  });
});

describe('the model-folder route of the benchmark server', () => {
  let server: PreviewServer;
  let base: string;
  const model = path.join(PUBLIC_MODELS, 'pocket-chat-1m');

  beforeAll(async () => {
    // An empty build: only the plugin's route is under test.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-server-'));
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(path.join(root, 'dist', 'index.html'), '<!doctype html>');
    server = await preview({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [serveModelFolders([resolveModel(model, ROOT)])],
      preview: { host: '127.0.0.1', port: 0 },
    });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}/bench-models/pocket-chat-1m/`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves a file whole, cross-origin isolated like the app', async () => {
    const res = await fetch(`${base}onnx/model_q4.onnx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('credentialless');
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(model, 'onnx/model_q4.onnx')))).toBe(true);
  });

  it('answers the one-byte size probe transformers.js sends with a range', async () => {
    const size = fs.statSync(path.join(model, 'config.json')).size;
    const res = await fetch(`${base}config.json`, { headers: { range: 'bytes=0-0' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-0/${size}`);
    expect((await res.arrayBuffer()).byteLength).toBe(1);
  });

  it('serves nothing outside the folder or of other models', async () => {
    expect((await fetch(`${base}..%2F..%2Fmodels.json`)).status).toBe(404);
    expect((await fetch(`${base}../pocket-chat-3m/config.json`)).status).toBe(404);
    expect((await fetch(`${base}onnx/missing.onnx`)).status).toBe(404);
  });
});
