/**
 * The app's cold start, measured in the benchmark page: the app's engine loads the model twice,
 * each time in a fresh inference worker, and answers once after each load. The driver opens this
 * page in a fresh browser profile, so the first load downloads every file from the server (and
 * stores it in the weight cache) and the second reads it back from IndexedDB. The phases come
 * from the engine's own progress events (see load-phases.ts); nothing in the engine is changed.
 *
 * JS heap, when asked for: `performance.measureUserAgentSpecificMemory()` (cross-origin isolated
 * pages only; it counts the page and its workers, wasm heaps included) every `HEAP_POLL_MS` while
 * loading and answering. The driver starts Chromium with ForceEagerMeasureMemory, so each call is
 * answered at once, by a garbage collection in every context, the worker's too: that stalls the
 * load, so the driver polls in loads of their own, not in the timed ones.
 */
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { LoadProgress, ModelRef } from '../../src/engine/engine-types';
import type { AppRequest } from './bench-types';
import { greedyParams } from './greedy-params';
import type { HeapPeak, LoadTimeline } from './load-phases';

const HEAP_POLL_MS = 500;
const now = (): number => performance.timeOrigin + performance.now();

type MemoryMeasuring = Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };

/** Polls the heap until the returned function is called; that resolves with the peak. */
function watchHeap(measure: () => Promise<{ bytes: number }>, baselineBytes: number): () => Promise<HeapPeak> {
  const peak: HeapPeak = { baselineBytes, peakBytes: baselineBytes, samples: 0, measureMs: 0 };
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const start = now();
      const { bytes } = await measure();
      peak.measureMs += now() - start;
      peak.samples++;
      peak.peakBytes = Math.max(peak.peakBytes, bytes);
      await new Promise((r) => setTimeout(r, HEAP_POLL_MS));
    }
  })();
  return async () => {
    state.running = false;
    await loop;
    return peak;
  };
}

async function timedLoad(createWorker: () => Worker, ref: ModelRef, request: AppRequest, pollHeap: boolean): Promise<LoadTimeline> {
  const measure = pollHeap ? (performance as MemoryMeasuring).measureUserAgentSpecificMemory?.bind(performance) : undefined;
  const stopHeap = measure ? watchHeap(measure, (await measure()).bytes) : null;
  const engine = new BrowserEngine({ createWorker });
  const events: LoadTimeline['events'] = [];
  const onProgress = (p: LoadProgress): void => {
    const at = now();
    events.push(
      p.phase === 'download'
        ? { at, phase: p.phase, file: p.file, fromCache: p.fromCache, loaded: p.loaded, total: p.total }
        : { at, phase: p.phase },
    );
  };
  let timeline: Omit<LoadTimeline, 'heap'>;
  let heap: HeapPeak | null;
  try {
    const startAt = now();
    await engine.load(ref, { onProgress });
    const loadedAt = now();
    const firstRequestAt = now();
    let firstTokenAt: number | null = null;
    for await (const event of engine.chat([{ role: 'user', content: request.prompt }], greedyParams(2))) {
      if (event.type === 'token' && firstTokenAt === null) firstTokenAt = now();
    }
    timeline = { startAt, events, loadedAt, firstRequestAt, firstTokenAt };
  } finally {
    engine.terminate();
    // Stopped on failure too, or the polling would go on for the life of the page.
    heap = stopHeap ? await stopHeap() : null;
  }
  return { ...timeline, heap };
}

/** The cold load (nothing cached), then the warm load (from the weight cache), in fresh workers. */
export async function coldStart(
  createWorker: () => Worker,
  ref: () => Promise<ModelRef>,
  request: AppRequest,
  pollHeap: boolean,
): Promise<{ cold: LoadTimeline; warm: LoadTimeline }> {
  const model = await ref();
  const cold = await timedLoad(createWorker, model, request, pollHeap);
  const warm = await timedLoad(createWorker, model, request, pollHeap);
  return { cold, warm };
}

/**
 * How long compiling ONNX Runtime's wasm (the app's build) takes here: part of every load's
 * session creation, cold or warm (ORT instantiates it from bytes, so no compiled code is cached).
 * Fetched after the timed loads, so its HTTP cache entry cannot speed up a cold download.
 */
export async function ortWasmCompileMs(): Promise<number> {
  const bytes = await (await fetch(ortWasmUrl)).arrayBuffer();
  const start = now();
  await WebAssembly.compile(bytes);
  return now() - start;
}
