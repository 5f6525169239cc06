/** The engine benchmark's command line (documented at the top of engine-bench.ts), checked. */
import { parseArgs } from 'node:util';
import { PATHS, type Path } from './bench-types';
import { BENCH_DTYPES, type BenchDtype } from './model-folders';

export const SECTIONS = ['bandwidth', 'profile', 'sweep', 'cold-start'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  models: string[];
  /** null: the model's q4, q8 and fp32 variants. */
  dtypes: BenchDtype[] | null;
  devices: ('wasm' | 'webgpu')[];
  tokens: number;
  rounds: number;
  prompt: string;
  /** null: every path for a small variant, the app, bare, plain and node for a large one. */
  paths: Path[] | null;
  contextMax: number;
  contextStep: number;
  contextTokens: number;
  sweepPaths: Path[];
  bandwidthBytes: number;
  skip: Set<Section>;
  /** Directory for report.md and report.json. */
  out: string;
  json: string | undefined;
}

export class BenchOptionsError extends Error {
  override readonly name = 'BenchOptionsError';
}

function list<T extends string>(flag: string, value: string, known: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.filter((i) => !(known as readonly string[]).includes(i));
  if (unknown.length) throw new BenchOptionsError(`--${flag}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  if (!items.length) throw new BenchOptionsError(`--${flag} is empty`);
  return items as T[];
}

function count(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new BenchOptionsError(`--${flag} must be a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  return n;
}

export function parseBenchOptions(argv: readonly string[], stamp: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      models: { type: 'string', default: 'pocket-chat-1m,pocket-chat-3m' },
      dtypes: { type: 'string' },
      devices: { type: 'string', default: 'wasm' },
      tokens: { type: 'string', default: '128' },
      rounds: { type: 'string', default: '25' },
      prompt: { type: 'string', default: 'Tell me about the moon.' },
      paths: { type: 'string' },
      'context-max': { type: 'string', default: '4096' },
      'context-step': { type: 'string', default: '256' },
      'context-tokens': { type: 'string', default: '16' },
      'sweep-paths': { type: 'string', default: 'bare,node' },
      'bandwidth-mb': { type: 'string', default: '512' },
      skip: { type: 'string', default: '' },
      out: { type: 'string', default: `bench-results/engine-${stamp}` },
      json: { type: 'string' },
    },
  });
  const paths = values.paths === undefined ? null : list('paths', values.paths, PATHS);
  if (paths && !paths.includes('bare')) throw new BenchOptionsError('--paths must include bare: every ratio is taken against it');
  return {
    models: values.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    dtypes: values.dtypes === undefined ? null : list('dtypes', values.dtypes, BENCH_DTYPES),
    devices: list('devices', values.devices, ['wasm', 'webgpu'] as const),
    tokens: count('tokens', values.tokens, 3),
    rounds: count('rounds', values.rounds, 1),
    prompt: values.prompt,
    paths,
    contextMax: count('context-max', values['context-max'], 0),
    contextStep: count('context-step', values['context-step'], 1),
    contextTokens: count('context-tokens', values['context-tokens'], 2),
    sweepPaths: list('sweep-paths', values['sweep-paths'], ['bare', 'plain', 'jspi', 'node'] as const),
    bandwidthBytes: count('bandwidth-mb', values['bandwidth-mb'], 64) * 2 ** 20,
    skip: new Set(values.skip ? list('skip', values.skip, SECTIONS) : []),
    out: values.out,
    json: values.json,
  };
}

/** Variants larger than this run on the fewer default paths (each path holds its own copy). */
export const LARGE_VARIANT_BYTES = 256 * 2 ** 20;

/** The paths for a variant of `bytes` on `device` (plain ORT has no WebGPU). */
export function defaultPaths(bytes: number, device: 'wasm' | 'webgpu'): Path[] {
  const all: Path[] =
    bytes > LARGE_VARIANT_BYTES
      ? ['app', 'bare', 'plain', 'node']
      : ['app', 'bare', 'appPerToken', 'runner', 'node', 'bare2', 'plain', 'jspi'];
  return device === 'webgpu' ? all.filter((p) => p !== 'plain') : all;
}
