/** Hand-built benchmark data shared by the bench-*.test.ts files (not a test file itself). */
import type { BenchRun, BenchSample } from '../../src/bench/bench-types';

/** A successful measured sample; override what the test is about. */
export function sample(extra: Partial<BenchSample> = {}): BenchSample {
  return {
    modelId: 'pocket-chat-1m',
    backend: 'wasm',
    dtype: 'q4',
    promptId: 'add',
    round: 1,
    warmup: false,
    startedAt: 1_700_000_000_000,
    ttftMs: 100,
    prefillTokensPerSec: 200,
    decodeTokensPerSec: 50,
    totalMs: 300,
    interTokenMs: [20, 20],
    promptTokens: 14,
    generatedTokens: 3,
    output: '2 plus 3 is 5.',
    stopReason: 'eos',
    error: null,
    ...extra,
  };
}

/** A complete run with the given samples. */
export function run(samples: BenchSample[], extra: Partial<BenchRun> = {}): BenchRun {
  return {
    id: 'run-1',
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_060_000,
    plan: {
      targets: [{ modelId: 'pocket-chat-1m', backend: 'wasm' }],
      promptSetName: 'Built-in (pocket-chat)',
      prompts: [{ id: 'add', messages: [{ role: 'user', content: 'What is 2 plus 3?' }] }],
      documents: [],
      rounds: 2,
      warmupRounds: 1,
      maxNewTokens: 32,
      temperature: 0,
    },
    environment: {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140.0',
      adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader' },
      hardwareConcurrency: 2,
      wasmThreads: 2,
      crossOriginIsolated: true,
      appVersion: '0.1.0',
    },
    targets: [
      {
        target: { modelId: 'pocket-chat-1m', backend: 'wasm' },
        status: 'ok',
        message: null,
        dtype: 'q4',
        detail: 'WASM · 2 threads',
        files: [{ path: 'onnx/model_q4.onnx', sha256: '96e0b8990c99c99cd8357653aeca5d705f16109a2c1b1c7c9cb13380085b1e29' }],
      },
    ],
    samples,
    ...extra,
  };
}
