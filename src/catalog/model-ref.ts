/**
 * What a catalog entry becomes once a device and variant are chosen: the reference an engine
 * loads. Defined here, next to the data it is made of, so the catalog never imports the engine;
 * engine-types.ts re-exports these for everything on the engine side.
 */
import type { Dtype } from './schema';

/** The transformers.js device a browser variant runs on, as `Dtype` names its weights. */
export type Device = 'webgpu' | 'wasm';

/** A model as the engine needs it: where its files are and which variant to run. */
export interface ModelRef {
  id: string;
  /** Base URL (browser) or folder (Node) that holds `config.json`, `onnx/`, ... */
  location: string;
  /** Only for hub models: repository and pinned revision. */
  hub?: { repo: string; revision: string };
  dtype: Dtype;
  /** Files with their expected sizes (from the catalog), so progress can show a true total. */
  files?: { path: string; bytes: number; sha256?: string; approximate?: boolean }[];
  /** Browser engines only: the execution provider chosen by the router. */
  device?: Device;
  contextLength: number;
}

/** A model on an OpenAI-compatible gateway. */
export interface GatewayModelRef {
  /** The catalog id (the conversation and metrics use it). */
  id: string;
  /** The name the server knows: a Foundry alias ("phi-4-mini") or a variant id; resolved at load. */
  serverModel: string;
  contextLength: number | null;
  /**
   * The request may carry `reasoning_effort`: the model reasons (its catalog entry says so, or its
   * id names gpt-oss). Sent to others it could be refused (OpenAI's API rejects it for models
   * that do not reason).
   */
  reasons?: boolean;
}
