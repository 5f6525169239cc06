/**
 * Cutting a file into the fixed-size chunks the weight cache stores, straight from its body
 * stream: at most one chunk is held in memory at a time, never the whole file (some browsers cannot
 * hold more than 2 GB in one ArrayBuffer, and real model files are bigger).
 */

/**
 * 64 MiB per chunk. Small enough that a write holds little memory (the chunk's pieces plus the
 * Blob made of them) and that no record comes near a browser's per-value limits; large enough that
 * the biggest models stay at a few hundred records (gpt-oss-20b's 12.65 GB: 189; a 2.1 GB
 * external-data file: 32), so the per-transaction cost of IndexedDB does not add up.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

/** How many chunks a file of `bytes` takes (0 for an empty file). */
export function chunkCount(bytes: number, chunkBytes: number): number {
  return Math.ceil(bytes / chunkBytes);
}

/** The size chunk `index` of a file of `bytes` must have: `chunkBytes`, the last one what is left. */
export function chunkSize(bytes: number, chunkBytes: number, index: number): number {
  return Math.max(0, Math.min(chunkBytes, bytes - index * chunkBytes));
}

/** A positive whole number of bytes, or the error that says what is wrong with it. */
export function checkChunkBytes(chunkBytes: number): number {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
    throw new RangeError(`chunk size must be a positive whole number of bytes, got ${chunkBytes}`);
  return chunkBytes;
}

/**
 * Reads a body as consecutive chunks of exactly `chunkBytes` (the last one shorter), each given as
 * the stream's own pieces (a piece that crosses a boundary is split with `subarray`, not copied).
 * A chunk is yielded as soon as it is full and nothing more is read until the consumer asks for
 * the next one, so a slow write holds the download back instead of piling it up in memory.
 * A consumer that stops early cancels the stream; an error of the stream is thrown as it is.
 */
export async function* readInChunks(
  body: ReadableStream<Uint8Array<ArrayBuffer>> | null,
  chunkBytes: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>[], void, undefined> {
  checkChunkBytes(chunkBytes);
  if (!body) return;
  const reader = body.getReader();
  let pieces: Uint8Array<ArrayBuffer>[] = [];
  let filled = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let rest = value;
      while (rest.byteLength > 0) {
        const take = Math.min(rest.byteLength, chunkBytes - filled);
        pieces.push(take === rest.byteLength ? rest : rest.subarray(0, take));
        filled += take;
        rest = rest.subarray(take);
        if (filled === chunkBytes) {
          yield pieces;
          pieces = [];
          filled = 0;
        }
      }
    }
    finished = true;
    if (filled > 0) yield pieces;
  } finally {
    // Stopped early (a refused write) or the stream failed: release the download, quietly.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
