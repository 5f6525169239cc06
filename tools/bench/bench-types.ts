/** What the engine benchmark's driver, page and workers exchange, and the names of its paths (bench-paths.ts). */
import type { ModelRef } from '../../src/engine/engine-types';
import type { OrtBuild } from './profiled-ort';

/** A model variant to open in the page (bare loops, the app's runner) or in Node. */
export interface BareRequest {
  /** Origin-relative folder holding the model folder (`/models/`, `/bench-models/`). */
  modelsPath: string;
  modelId: string;
  dtype: 'fp32' | 'q4' | 'q8' | 'fp16' | 'q4f16';
  device: 'wasm' | 'webgpu';
  prompt: string;
  tokens: number;
  /** Bare loops only: the ONNX Runtime wasm build to run on; default the app's (asyncify). */
  ortBuild?: OrtBuild;
  /** External data chunks of the variant's ONNX file (`{ "model.onnx": 2 }`), as the app computes them. */
  externalData?: Record<string, number>;
}

/**
 * An app path to open: `tokenBatchMs` as BrowserEngineOptions (the app's default when absent);
 * `ref`: the ModelRef to load, for a model the catalog does not list (else the catalog's own).
 */
export interface AppRequest extends BareRequest {
  name: string;
  tokenBatchMs?: number;
  ref?: ModelRef;
}

/** One timed generation. Epoch ms (performance.timeOrigin + performance.now()) throughout. */
export interface RoundTimes {
  /** Arrival of each token in the page (app) or in the worker or process that generated it. */
  arrived: number[];
  /** App path only: when the inference worker produced each token. */
  produced?: number[];
  /** When the generation was asked for (the page for the app). */
  requestAt: number;
  /** When the model started reading the prompt, where known. */
  prefillStartAt: number | null;
  promptTokens: number;
}

/** The paths a row compares (what each is: bench-paths.ts). */
export const PATHS = ['app', 'appPerToken', 'runner', 'bare', 'bare2', 'plain', 'jspi', 'node'] as const;
export type Path = (typeof PATHS)[number];
/** Paths that are a bare loop in a worker of the page. */
export const BARE_PATHS: readonly Path[] = ['bare', 'bare2', 'plain', 'jspi'];

/** 'appWorker' is the app as produced in its worker (before the trip to the page). */
export type Rated = Path | 'appWorker';
