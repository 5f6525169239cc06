/** Which requests the preview server answers uncompressed (served end to end in e2e/serving.test.ts). */
import { describe, expect, it } from 'vitest';
import { needsIdentityEncoding } from '../../tools/vite/identity-encoding';

describe('needsIdentityEncoding', () => {
  it('takes model weights and data, with or without a query', () => {
    for (const url of [
      '/models/pocket-chat-3m/onnx/model.onnx',
      '/models/x/onnx/model_q4.onnx_data',
      '/models/x/model.safetensors',
      '/m/weights.bin?v=1',
      '/M/MODEL.ONNX#x',
    ]) {
      expect(needsIdentityEncoding(url, {}), url).toBe(true);
    }
  });

  it('takes any range request, whatever the file', () => {
    expect(needsIdentityEncoding('/models/models.json', { range: 'bytes=0-99' })).toBe(true);
  });

  it('leaves text files, scripts and a query that merely mentions .onnx to compression', () => {
    for (const url of [
      '/',
      '/index.html',
      '/assets/index-abc.js',
      '/models/models.json',
      '/models/x/tokenizer.json',
      '/page?file=model.onnx',
    ]) {
      expect(needsIdentityEncoding(url, { 'accept-encoding': 'gzip' }), url).toBe(false);
    }
  });
});
