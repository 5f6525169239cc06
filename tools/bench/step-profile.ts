/**
 * Where a decode step's time goes, per token: ONNX Runtime's own run (`_OrtRun` in its wasm: the
 * kernels), the rest of `session.run` (ORT's JavaScript around it: every input tensor, the whole
 * past KV cache included, copied into the wasm heap, and every output, the present KV cache and
 * the logits, copied out again, each step), and the rest of transformers.js' generate loop
 * (logits processors, sampling, the next step's inputs, the streamer).
 *
 * `SessionTimer` wraps a session's `run`; the kernel time comes from a hook the benchmark's
 * profiled ORT factory calls around `_OrtRun` (see profiled-ort.ts), where there is one (not in
 * onnxruntime-node: its copies and kernels are both native, and only their sum shows).
 */

/** One `session.run` call. Times in ms (performance.now()). */
export interface RunRecord {
  start: number;
  end: number;
  /** `_OrtRun` time within the call, or null where it cannot be seen. */
  kernelMs: number | null;
  /** Bytes of the input and output tensors (what ORT web copies into and out of the wasm heap). */
  bytesIn: number;
  bytesOut: number;
}

/**
 * Means over the decode steps of one generation, in ms per token (bytes per step): means, so the
 * parts add up to the step (kernel + copies + loop = step), which medians of each part would not.
 */
export interface StepProfile {
  steps: number;
  /** From one step's run to the next: the time per token. */
  stepMs: number;
  /** `session.run`, all of it. */
  runMs: number;
  /** ORT's `_OrtRun` (kernels, and ORT's C++ around them); null where not measurable. */
  kernelMs: number | null;
  /** `session.run` minus `_OrtRun`: tensor copies into and out of the wasm heap, ORT's JS. */
  copyMs: number | null;
  /** The step minus `session.run`: transformers.js' generate loop. */
  loopMs: number;
  bytesIn: number;
  bytesOut: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The profile of the decode steps among `records`. Run 0 is the prefill and is left out. Decode
 * step i lasts from run i's start to run i + 1's start; the last run has no next start, so steps
 * 1 .. n - 2 are summarized, every column over the same steps.
 */
export function summarizeSteps(records: readonly RunRecord[]): StepProfile | null {
  const steps: { step: number; run: number; kernel: number | null; bytesIn: number; bytesOut: number }[] = [];
  for (let i = 1; i + 1 < records.length; i++) {
    const r = records[i]!;
    steps.push({
      step: records[i + 1]!.start - r.start,
      run: r.end - r.start,
      kernel: r.kernelMs,
      bytesIn: r.bytesIn,
      bytesOut: r.bytesOut,
    });
  }
  if (!steps.length) return null;
  const kernels = steps.map((s) => s.kernel);
  const known = kernels.every((k): k is number => k !== null);
  return {
    steps: steps.length,
    stepMs: mean(steps.map((s) => s.step)),
    runMs: mean(steps.map((s) => s.run)),
    kernelMs: known ? mean(kernels) : null,
    copyMs: known ? mean(steps.map((s) => s.run - s.kernel!)) : null,
    loopMs: mean(steps.map((s) => s.step - s.run)),
    bytesIn: mean(steps.map((s) => s.bytesIn)),
    bytesOut: mean(steps.map((s) => s.bytesOut)),
  };
}

/** What `SessionTimer` needs of an ORT tensor: CPU tensors carry their data. */
interface TensorLike {
  location?: string;
  data?: unknown;
}

/** The part of an ORT InferenceSession (web or node) the timer wraps. */
export interface RunnableSession {
  run(feeds: Record<string, TensorLike>, ...rest: unknown[]): Promise<Record<string, TensorLike>>;
}

function tensorBytes(tensors: Record<string, TensorLike>): number {
  let bytes = 0;
  for (const t of Object.values(tensors)) if ((t.location ?? 'cpu') === 'cpu' && ArrayBuffer.isView(t.data)) bytes += t.data.byteLength;
  return bytes;
}

/** The global the profiled ORT factory reports each `_OrtRun`'s duration (ms) to. */
export const KERNEL_HOOK = Symbol.for('engine-bench.ort-run');

/** Times every `run` of a session while `enabled`; `records` holds the calls since the last `reset`. */
export class SessionTimer {
  enabled = false;
  records: RunRecord[] = [];
  private kernelMs = 0;

  /** `kernels`: whether a profiled ORT factory reports `_OrtRun` times to KERNEL_HOOK. */
  constructor(session: RunnableSession, kernels: boolean) {
    const run = session.run.bind(session);
    if (kernels) (globalThis as Record<symbol, unknown>)[KERNEL_HOOK] = (ms: number) => (this.kernelMs += ms);
    session.run = async (feeds, ...rest) => {
      if (!this.enabled) return run(feeds, ...rest);
      this.kernelMs = 0;
      const start = performance.now();
      const outputs = await run(feeds, ...rest);
      const end = performance.now();
      this.records.push({
        start,
        end,
        kernelMs: kernels ? this.kernelMs : null,
        bytesIn: tensorBytes(feeds),
        bytesOut: tensorBytes(outputs),
      });
      return outputs;
    };
  }

  reset(): void {
    this.records = [];
  }
}

/** The decoder session of a transformers.js causal LM. */
export function decoderSession(model: unknown): RunnableSession {
  const sessions = (model as { sessions?: Record<string, RunnableSession | undefined> }).sessions ?? {};
  const session = sessions['model'] ?? sessions['decoder_model_merged'];
  if (!session) throw new Error(`no decoder session among ${Object.keys(sessions).join(', ') || 'none'}`);
  return session;
}
