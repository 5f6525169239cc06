/**
 * A model load as the page sees it, cut into phases by the progress events the engine emits
 * (LoadProgress: `download` per file with `fromCache`, then `compile` once the session exists,
 * then `ready` after the warm-up generation), and the first answer's first token after it.
 */

/** What the page records of one load and first answer. Epoch ms. */
export interface LoadTimeline {
  startAt: number;
  events: { at: number; phase: 'download' | 'compile' | 'ready'; file?: string; fromCache?: boolean; loaded?: number; total?: number }[];
  loadedAt: number;
  firstRequestAt: number;
  firstTokenAt: number | null;
  /** Peak of `performance.measureUserAgentSpecificMemory()` during the load and first answer (page and workers). */
  heap: HeapPeak | null;
}

export interface HeapPeak {
  /** Before the engine existed. */
  baselineBytes: number;
  peakBytes: number;
  samples: number;
  /** Time the measurements themselves took (each forces a garbage collection). */
  measureMs: number;
}

export interface LoadPhases {
  /** Where the files came from: the weight cache (IndexedDB), the server, both, or nowhere (no file events). */
  source: 'cache' | 'network' | 'mixed' | 'none';
  bytes: number;
  /** Start to the last file's last progress event: download, or cache read. */
  filesMs: number;
  /** Files done to `compile`: ONNX Runtime's session creation (and on a worker's first load, its wasm start). */
  sessionMs: number;
  /** `compile` to `ready`: the warm-up generation (shader compilation on WebGPU). */
  warmUpMs: number;
  /** The first answer's first token, from its request. */
  firstTokenMs: number;
  /** Start to the first token. */
  totalMs: number;
}

export function loadPhases(t: LoadTimeline): LoadPhases {
  const files = t.events.filter((e) => e.phase === 'download');
  const at = (phase: 'compile' | 'ready'): number => t.events.find((e) => e.phase === phase)?.at ?? Number.NaN;
  const filesDoneAt = files.at(-1)?.at ?? t.startAt;
  // A file's last event says where it came from.
  const lastByFile = new Map(files.map((e) => [e.file ?? '', e]));
  const cached = [...lastByFile.values()].filter((e) => e.fromCache).length;
  const source = !lastByFile.size ? 'none' : cached === lastByFile.size ? 'cache' : cached === 0 ? 'network' : 'mixed';
  const firstToken = t.firstTokenAt ?? Number.NaN;
  return {
    source,
    bytes: files.at(-1)?.total ?? 0,
    filesMs: filesDoneAt - t.startAt,
    sessionMs: at('compile') - filesDoneAt,
    warmUpMs: at('ready') - at('compile'),
    firstTokenMs: firstToken - t.firstRequestAt,
    totalMs: firstToken - t.startAt,
  };
}
