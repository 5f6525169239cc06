/**
 * Memory bandwidth as WebAssembly sees it: a hand-assembled module whose one function streams
 * through its memory with 128-bit SIMD loads (`v128.load`, eight per 128-byte iteration, folded
 * with `v128.or` into two accumulators so the loads cannot be dropped), the same instructions
 * ONNX Runtime's WASM SIMD kernels read weights with. A JavaScript loop would measure the JIT, not
 * the memory. Runs wherever WebAssembly SIMD does: the benchmark's worker, and Node for the tests.
 *
 *   (func (export "read") (param $len i32) (param $reps i32) (result i32)  ;; $len: multiple of 128
 *     repeat $reps times: for $i in 0, 128, ... < $len: a |= load($i), b |= load($i + 16), ...
 *     return lane 0 of (a | b))
 */

const PAGE = 65536;
/** Bytes per inner-loop iteration: eight 16-byte loads. */
export const READ_STRIDE = 128;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const name = (s: string): number[] => {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
};

// Opcodes used below.
const LOOP = 0x03,
  END = 0x0b,
  BR_IF = 0x0d,
  EMPTY = 0x40;
const LOCAL_GET = 0x20,
  LOCAL_SET = 0x21,
  LOCAL_TEE = 0x22,
  I32_CONST = 0x41,
  I32_LT_U = 0x49,
  I32_ADD = 0x6a;
const SIMD = 0xfd,
  V128_LOAD = 0x00,
  V128_OR = 0x50,
  I32X4_EXTRACT_LANE = 0x1b;
const I32 = 0x7f,
  V128 = 0x7b;
// prettier-ignore
// Locals: 0 $len, 1 $reps (params), 2 $i, 3 $r, 4 $a, 5 $b.
const LEN = 0, REPS = 1, I = 2, R = 3, A = 4, B = 5;

function readBody(): number[] {
  const loads: number[] = [];
  for (let k = 0; k < READ_STRIDE / 16; k++) {
    const acc = k % 2 ? B : A;
    // acc = acc | v128.load(i + 16k), align 2^4.
    loads.push(LOCAL_GET, acc, LOCAL_GET, I, SIMD, V128_LOAD, 4, ...uleb(16 * k), SIMD, V128_OR, LOCAL_SET, acc);
  }
  const code = [
    LOOP, EMPTY,
    I32_CONST, 0, LOCAL_SET, I,
    LOOP, EMPTY,
    ...loads,
    LOCAL_GET, I, I32_CONST, ...uleb(READ_STRIDE), I32_ADD, LOCAL_TEE, I, LOCAL_GET, LEN, I32_LT_U, BR_IF, 0,
    END,
    LOCAL_GET, R, I32_CONST, 1, I32_ADD, LOCAL_TEE, R, LOCAL_GET, REPS, I32_LT_U, BR_IF, 0,
    END,
    LOCAL_GET, A, LOCAL_GET, B, SIMD, V128_OR, SIMD, I32X4_EXTRACT_LANE, 0,
    END,
  ]; // prettier-ignore
  const locals = vec([
    [2, I32],
    [2, V128],
  ]);
  return [...locals, ...code];
}

/** The module's bytes, with a memory of `pages` 64 KiB pages. */
export function bandwidthModuleBytes(pages: number): Uint8Array<ArrayBuffer> {
  const body = readBody();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), ...vec([[I32]])]])), // type 0: (i32, i32) -> i32
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(5, vec([[0x01, ...uleb(pages), ...uleb(pages)]])), // memory: exactly `pages`
    ...section(
      7,
      vec([
        [...name('read'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/** One instance of the module over a buffer of at least `bytes` bytes (rounded up to the stride). */
export interface BandwidthProbe {
  /** The buffer, for filling. */
  memory: Uint8Array;
  /** Reads the first `bytes` of the buffer `reps` times; returns lane 0 of the OR of all 16-byte words. */
  read(bytes: number, reps: number): number;
}

export function bandwidthProbe(bytes: number): BandwidthProbe {
  const size = Math.ceil(bytes / PAGE) * PAGE;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bandwidthModuleBytes(size / PAGE)));
  const exports = instance.exports as { read: (len: number, reps: number) => number; memory: WebAssembly.Memory };
  return {
    memory: new Uint8Array(exports.memory.buffer),
    read: (len, reps) => exports.read(Math.max(READ_STRIDE, Math.floor(len / READ_STRIDE) * READ_STRIDE), reps),
  };
}

/** A bandwidth figure: the best of several timed passes (the least disturbed by other work). */
export interface BandwidthSample {
  bytesPerSecond: number;
  bufferBytes: number;
  passes: number;
}

/**
 * Reads a `bytes` buffer `passes` times and keeps the fastest pass. The buffer is written first:
 * fresh memory is mapped to one shared zero page until written, and reading that would measure
 * a cache, not memory.
 */
export function measureWasmBandwidth(bytes: number, passes = 5, now: () => number = () => performance.now()): BandwidthSample {
  const probe = bandwidthProbe(bytes);
  const size = probe.memory.length;
  probe.memory.fill(1);
  probe.read(size, 1);
  let best = Number.POSITIVE_INFINITY;
  for (let p = 0; p < passes; p++) {
    const start = now();
    probe.read(size, 1);
    best = Math.min(best, now() - start);
  }
  return { bytesPerSecond: (size / best) * 1000, bufferBytes: size, passes };
}
