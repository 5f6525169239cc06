/**
 * One row of the engine benchmark: a model variant on a device, every path loaded side by side
 * (bench-paths.ts). In order: memory bandwidth (in the bare worker, and natively), the alternating
 * rounds, a step profile per path, the context sweep, then the app's cold start in a browser
 * profile of its own. A part that fails is reported with the row; the rest still runs.
 *
 * Node-only; never bundled.
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import { externalDataFormat } from '../../src/engine/worker/external-data';
import { errorMessage } from '../../src/errors/error-message';
import type { BandwidthSample } from './bandwidth-wasm';
import { callPage, openBenchPage } from './bench-browser';
import type { BenchOptions } from './bench-options';
import { measureRounds, openPaths, type Measured, type OpenPaths } from './bench-paths';
import { BARE_PATHS, type Path } from './bench-types';
import type { ModelRef } from '../../src/engine/engine-types';
import type { BareRequest } from './bench-types';
import { planSweep, type SweepPlan } from './context-plan';
import type { HeapPeak, LoadTimeline } from './load-phases';
import { folderModelRef, variantBytes, type ModelFolder, type ModelVariant } from './model-folders';
import { measureNativeBandwidth } from './native-bandwidth';
import { readOnnxWeights, type OnnxWeights } from './onnx-weights';
import type { StepProfile } from './step-profile';
import type { SweepPoint } from './sweep-run';

export interface VariantResult {
  modelId: string;
  dtype: ModelVariant['dtype'];
  device: BareRequest['device'];
  fileBytes: number;
  weights: OnnxWeights;
  paths: Path[];
  /** Each path's load, ms, as the driver saw it (bare loops: model files from the server, ORT's wasm start, session). */
  loadMs: Partial<Record<Path, number>>;
  measured: Measured | null;
  bandwidth: {
    /** One thread of the bare worker, WASM SIMD loads; `threads` is ORT's WASM thread count there. */
    browser: (BandwidthSample & { threads: number }) | null;
    /** memchr natively: one thread, and every core at once (onnxruntime-node's default pool). */
    nativeOne: BandwidthSample | null;
    nativeAll: (BandwidthSample & { threads: number }) | null;
  };
  profiles: Partial<Record<Path, StepProfile | null>>;
  sweep: { plan: SweepPlan; points: Partial<Record<Path, SweepPoint[]>> } | null;
  /** Timed loads; `heap`: the peaks of two more loads (cold, warm) in another fresh profile, polled. */
  coldStart: {
    cold: LoadTimeline;
    warm: LoadTimeline;
    ortWasmCompileMs: number | null;
    heap: { cold: HeapPeak | null; warm: HeapPeak | null } | null;
  } | null;
  /** Parts that failed, in words. */
  errors: string[];
}

export interface VariantJob {
  folder: ModelFolder;
  variant: ModelVariant;
  device: BareRequest['device'];
  paths: Path[];
  options: BenchOptions;
  baseUrl: string;
}

/** Runs `part`, recording its failure instead of throwing. */
async function attempt<T>(result: VariantResult, what: string, part: () => Promise<T>): Promise<T | null> {
  try {
    return await part();
  } catch (error) {
    result.errors.push(`${what}: ${errorMessage(error)}`);
    console.error(`  ${what} failed: ${errorMessage(error)}`);
    return null;
  }
}

async function measureBandwidth(page: Page, open: OpenPaths, result: VariantResult, bytes: number): Promise<void> {
  // In a bare loop's worker: a thread like the app's inference worker.
  const worker = open.paths.find((p) => BARE_PATHS.includes(p));
  if (worker)
    result.bandwidth.browser = await attempt(result, 'browser bandwidth', () => callPage(page, 'bandwidth', { name: worker, bytes }));
  result.bandwidth.nativeOne = await attempt(result, 'native bandwidth', () => measureNativeBandwidth(bytes, 1));
  const threads = os.availableParallelism();
  const all = await attempt(result, 'native bandwidth, all cores', () => measureNativeBandwidth(bytes, threads));
  result.bandwidth.nativeAll = all && { ...all, threads };
}

async function profileAndSweep(page: Page, open: OpenPaths, result: VariantResult, job: VariantJob): Promise<void> {
  const { options, folder } = job;
  const bare = open.paths.filter((p) => BARE_PATHS.includes(p) && p !== 'bare2');
  if (!options.skip.has('profile')) {
    for (const path of bare) result.profiles[path] = await attempt(result, `${path} profile`, () => callPage(page, 'profile', path));
    if (open.node) result.profiles.node = await attempt(result, 'node profile', () => open.node!.profile());
  }
  if (options.skip.has('sweep') || options.contextMax === 0) return;
  const plan = planSweep(folder.window, options.contextMax, options.contextStep, options.contextTokens);
  if (!plan.positions.length) {
    result.errors.push(
      `context sweep: no position fits a window of ${folder.window} tokens with ${options.contextTokens} tokens to decode`,
    );
    return;
  }
  result.sweep = { plan, points: {} };
  for (const path of options.sweepPaths.filter((p) => open.paths.includes(p))) {
    console.log(`  context sweep on ${path}: ${plan.positions.length} points to ${plan.positions.at(-1) ?? 0}…`);
    const run = path === 'node' ? () => open.node!.sweep(plan) : () => callPage(page, 'sweep', { name: path, plan });
    const points = await attempt(result, `${path} context sweep`, run);
    if (points) result.sweep.points[path] = points;
  }
}

/** Runs one row on `page` (the paths) and, for the cold start, a fresh browser profile. */
export async function benchVariant(page: Page, job: VariantJob): Promise<VariantResult> {
  const { folder, variant, device, paths, options, baseUrl } = job;
  const main = variant.files[0]!;
  const result: VariantResult = {
    modelId: folder.id,
    dtype: variant.dtype,
    device,
    fileBytes: variantBytes(variant),
    weights: readOnnxWeights(`${folder.dir}/${main.path}`),
    paths,
    loadMs: {},
    measured: null,
    bandwidth: { browser: null, nativeOne: null, nativeAll: null },
    profiles: {},
    sweep: null,
    coldStart: null,
    errors: [],
  };
  const externalData = externalDataFormat(variant.files, variant.dtype);
  const request: BareRequest = {
    modelsPath: folder.servedAt,
    modelId: folder.id,
    dtype: variant.dtype,
    device,
    prompt: options.prompt,
    tokens: options.tokens,
    ...(externalData ? { externalData } : {}),
  };
  const ref = folder.bundled ? undefined : folderModelRef(folder, variant, device, baseUrl);
  const failedToLoad = (path: Path, error: unknown): void => {
    result.errors.push(`loading ${path}: ${errorMessage(error)}`);
    console.error(`  ${path} could not load: ${errorMessage(error)}`);
  };
  const open = await attempt(result, 'loading the paths', () => openPaths(page, paths, request, ref, folder, failedToLoad));
  if (open) {
    result.paths = [...open.paths];
    result.loadMs = open.loadMs;
    try {
      if (!options.skip.has('bandwidth')) await measureBandwidth(page, open, result, options.bandwidthBytes);
      result.measured = await attempt(result, 'rounds', () => measureRounds(open, options.rounds));
      await profileAndSweep(page, open, result, job);
    } finally {
      await open.close();
    }
  }
  if (!options.skip.has('cold-start')) result.coldStart = await attempt(result, 'cold start', () => coldStart(job, request, ref));
  return result;
}

/** Cold and warm loads in a fresh browser profile; then the heap, polled, over two more in another. */
async function coldStart(
  job: VariantJob,
  request: BareRequest,
  ref: ModelRef | undefined,
): Promise<NonNullable<VariantResult['coldStart']>> {
  const inFreshProfile = async <T>(use: (page: Page) => Promise<T>): Promise<T> => {
    const fresh = await openBenchPage(job.baseUrl, job.device === 'webgpu');
    try {
      return await use(fresh.page);
    } finally {
      await fresh.close();
    }
  };
  const load = { ...request, ...(ref ? { ref } : {}), name: 'cold' };
  const timed = await inFreshProfile(async (page) => ({
    ...(await callPage(page, 'coldStart', { ...load, heap: false })),
    ortWasmCompileMs: await callPage(page, 'ortWasmCompileMs'),
  }));
  const polled = await inFreshProfile((page) => callPage(page, 'coldStart', { ...load, heap: true }));
  return { ...timed, heap: { cold: polled.cold.heap, warm: polled.warm.heap } };
}
