/**
 * The paths a benchmark row compares, opened side by side on one model variant, and their rounds,
 * alternated (the order rotates every round) so all of them share the machine's weather.
 *
 * - app: BrowserEngine -> the app's inference worker -> tokens arriving in the page.
 * - appPerToken: the app with a message per token instead of batches (tokenBatchMs 0).
 * - runner: the app's ModelRunner alone in a worker, its events going nowhere.
 * - bare: transformers.js' own generate loop in a worker, on the app's ORT build (asyncify).
 * - bare2: a second bare loop in a worker of its own: the A/A control (bare / bare2 shows the
 *   resolution of the whole measurement).
 * - plain, jspi: the bare loop on ORT's plain and JSPI wasm builds (see profiled-ort.ts).
 * - node: transformers.js on onnxruntime-node in this process.
 *
 * The bare loops and the runner alone run on the benchmark's profiled ORT factory (profiled-ort.ts:
 * two clock reads a step) so that they can be profiled; the app runs on its own, unwrapped.
 */
import type { Page } from 'playwright-core';
import type { ModelRef } from '../../src/engine/engine-types';
import { callPage } from './bench-browser';
import type { BareRequest, Path, Rated, RoundTimes } from './bench-types';
import type { ModelFolder } from './model-folders';
import { openNode, type NodePath } from './node-path';
import { decodeRate, prefillRate, timeToFirstToken } from './round-stats';

export interface PathFigures {
  /** Per measured round: decode tok/s, prefill tok/s, time to first token (ms). */
  decode: number[];
  prefill: number[];
  ttft: number[];
}

export interface Measured {
  figures: Partial<Record<Rated, PathFigures>>;
  promptTokens: number;
}

export interface OpenPaths {
  paths: readonly Path[];
  /** How long each path took to load, ms (one after the other, so no two competed). */
  loadMs: Partial<Record<Path, number>>;
  node: NodePath | null;
  round(path: Path): Promise<RoundTimes>;
  close(): Promise<void>;
}

/**
 * Opens `paths` for `request` (the app paths load `ref`), each in a worker of its own. A path that
 * fails to load (a variant too large for one build, say) is reported to `onFailure` and left out;
 * the others run.
 */
export async function openPaths(
  page: Page,
  paths: readonly Path[],
  request: BareRequest,
  ref: ModelRef | undefined,
  folder: ModelFolder,
  onFailure: (path: Path, error: unknown) => void,
): Promise<OpenPaths> {
  let node: NodePath | null = null;
  const opened: Path[] = [];
  const open: OpenPaths = {
    paths: opened,
    loadMs: {},
    get node() {
      return node;
    },
    round: (path) => {
      if (path === 'node') return node!.round();
      if (path === 'app' || path === 'appPerToken') return callPage(page, 'appRound', path);
      if (path === 'runner') return callPage(page, 'runnerRound', path);
      return callPage(page, 'bareRound', path);
    },
    close: async () => {
      await callPage(page, 'closeApps');
      await callPage(page, 'closeWorkers');
      await node?.close();
    },
  };
  const withRef = ref ? { ref } : {};
  for (const path of paths) {
    const start = performance.now();
    try {
      if (path === 'node') node = await openNode(folder, request);
      else if (path === 'app') await callPage(page, 'openApp', { ...request, ...withRef, name: path });
      else if (path === 'appPerToken') await callPage(page, 'openApp', { ...request, ...withRef, name: path, tokenBatchMs: 0 });
      else if (path === 'runner') await callPage(page, 'openRunner', { ...request, ...withRef, name: path });
      else await callPage(page, 'openBare', { ...request, name: path, ortBuild: path === 'plain' || path === 'jspi' ? path : 'asyncify' });
      opened.push(path);
      open.loadMs[path] = performance.now() - start;
    } catch (error) {
      onFailure(path, error);
    }
  }
  if (!opened.length) {
    await open.close().catch(() => undefined);
    throw new Error('no path could load the model');
  }
  return open;
}

function figuresOf(rounds: readonly RoundTimes[], times: (r: RoundTimes) => number[] = (r) => r.arrived): PathFigures {
  return {
    decode: rounds.map((r) => decodeRate(times(r))),
    prefill: rounds.map((r) => prefillRate({ ...r, arrived: times(r) })),
    ttft: rounds.map((r) => timeToFirstToken({ ...r, arrived: times(r) })),
  };
}

/** `warmUp` uncounted rounds, then `rounds` counted ones, every path once per round in rotating order. */
export async function measureRounds(open: OpenPaths, rounds: number, warmUp = 2): Promise<Measured> {
  const { paths } = open;
  const kept: Partial<Record<Path, RoundTimes[]>> = {};
  for (let i = 0; i < warmUp + rounds; i++) {
    for (let k = 0; k < paths.length; k++) {
      const path = paths[(i + k) % paths.length]!;
      const times = await open.round(path);
      if (i >= warmUp) (kept[path] ??= []).push(times);
    }
  }
  const figures: Measured['figures'] = {};
  for (const path of paths) figures[path] = figuresOf(kept[path] ?? []);
  if (kept.app) figures.appWorker = figuresOf(kept.app, (r) => r.produced ?? []);
  return { figures, promptTokens: kept[paths[0]!]?.[0]?.promptTokens ?? 0 };
}
