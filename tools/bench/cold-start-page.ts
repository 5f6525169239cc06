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

/**
 * The heap's peak over a load: a poll every HEAP_POLL_MS, and a sample at each phase change (the
 * session exists, the warm-up is done, the answer is in), so a fast load is not missed between polls.
 */
class HeapWatch {
  private readonly peak: HeapPeak;
  private readonly pending = new Set<Promise<void>>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly measure: () => Promise<{ bytes: number }>,
    baselineBytes: number,
  ) {
    this.peak = { baselineBytes, peakBytes: baselineBytes, samples: 0, measureMs: 0 };
    this.loop = (async () => {
      while (this.running) {
        await this.sample();
        await new Promise((r) => setTimeout(r, HEAP_POLL_MS));
      }
    })();
  }

  /** One measurement now; resolves when it is in. */
  sample(): Promise<void> {
    const start = now();
    const done = this.measure()
      .then(({ bytes }) => {
        this.peak.measureMs += now() - start;
        this.peak.samples++;
        this.peak.peakBytes = Math.max(this.peak.peakBytes, bytes);
      })
      // A measurement the browser refuses leaves the peak as it was (`samples` says how many counted).
      .catch(() => undefined);
    this.pending.add(done);
    return done.finally(() => this.pending.delete(done));
  }

  async stop(): Promise<HeapPeak> {
    this.running = false;
    await this.loop;
    await Promise.all(this.pending);
    return this.peak;
  }
}

async function timedLoad(createWorker: () => Worker, ref: ModelRef, request: AppRequest, pollHeap: boolean): Promise<LoadTimeline> {
  const measure = pollHeap ? (performance as MemoryMeasuring).measureUserAgentSpecificMemory?.bind(performance) : undefined;
  const heapWatch = measure ? new HeapWatch(measure, (await measure()).bytes) : null;
  const engine = new BrowserEngine({ createWorker });
  const events: LoadTimeline['events'] = [];
  const onProgress = (p: LoadProgress): void => {
    const at = now();
    if (p.phase !== 'download') {
      events.push({ at, phase: p.phase });
      void heapWatch?.sample();
      return;
    }
    // A large file reports every chunk: of a run of events for one file, the first and the latest are kept.
    const sameFile = (e: LoadTimeline['events'][number] | undefined): boolean => e?.phase === 'download' && e.file === p.file;
    if (sameFile(events.at(-1)) && sameFile(events.at(-2))) events.pop();
    events.push({ at, phase: p.phase, file: p.file, fromCache: p.fromCache, loaded: p.loaded, total: p.total });
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
    // While the worker still holds the model.
    await heapWatch?.sample();
    timeline = { startAt, events, loadedAt, firstRequestAt, firstTokenAt };
  } finally {
    engine.terminate();
    // Stopped on failure too, or the polling would go on for the life of the page.
    heap = heapWatch ? await heapWatch.stop() : null;
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
