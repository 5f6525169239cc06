/**
 * Cutting a body stream into the weight cache's chunks, which writes count as abandoned, and
 * hashing a Blob as a stream.
 * Real ReadableStreams (Node has them); the chunked storage itself runs against real IndexedDB in
 * tests/e2e/weight-chunks.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobSha256 } from '../../src/cache/blob-sha256';
import { checkChunkBytes, chunkCount, chunkSize, DEFAULT_CHUNK_BYTES, readInChunks } from '../../src/cache/chunked-body';
import { isAbandoned, newPutId } from '../../src/cache/put-locks';

/** A body delivered as the given pieces, one per read, optionally failing after them. */
function body(pieces: number[][], failWith?: Error): { stream: ReadableStream<Uint8Array<ArrayBuffer>>; cancelled: () => boolean } {
  let i = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      pull(controller) {
        const piece = pieces[i++];
        if (piece) controller.enqueue(new Uint8Array(piece));
        else if (failWith) controller.error(failWith);
        else controller.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, cancelled: () => cancelled };
}

async function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>> | null, chunkBytes: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const pieces of readInChunks(stream, chunkBytes)) out.push(pieces.flatMap((p) => [...p]));
  return out;
}

describe('readInChunks', () => {
  it('regroups pieces of any size into chunks of exactly the chunk size, the last one shorter', async () => {
    const { stream } = body([[1, 2], [3, 4, 5, 6, 7], [], [8], [9, 10, 11]]);
    expect(await collect(stream, 4)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11],
    ]);
  });

  it('splits one large piece into several chunks without copying it', async () => {
    const piece = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        controller.enqueue(piece);
        controller.close();
      },
    });
    const chunks: Uint8Array[][] = [];
    for await (const pieces of readInChunks(stream, 3)) chunks.push(pieces);
    expect(chunks.map((c) => c.flatMap((p) => [...p]))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    // Views of the one buffer the stream gave, not copies of it.
    expect(chunks.flat().every((p) => p.buffer === piece.buffer)).toBe(true);
  });

  it('ends on a chunk boundary without an empty chunk, and an empty or missing body has no chunks', async () => {
    expect(
      await collect(
        body([
          [1, 2],
          [3, 4],
        ]).stream,
        2,
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await collect(body([]).stream, 2)).toEqual([]);
    expect(await collect(null, 2)).toEqual([]);
  });

  it('reads no further than the chunk the consumer is writing', async () => {
    let reads = 0;
    const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        pull(controller) {
          reads++;
          controller.enqueue(new Uint8Array([reads, reads]));
        },
      },
      { highWaterMark: 0 },
    );
    const chunks = readInChunks(stream, 4);
    await chunks.next();
    expect(reads).toBe(2);
    await chunks.next();
    expect(reads).toBe(4);
    await chunks.return();
  });

  it('throws the stream’s error, and cancels the download when the consumer stops early', async () => {
    const failing = body(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      new Error('connection reset'),
    );
    const seen: number[][] = [];
    await expect(async () => {
      for await (const pieces of readInChunks(failing.stream, 2)) seen.push(pieces.flatMap((p) => [...p]));
    }).rejects.toThrow('connection reset');
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);

    const long = body([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    for await (const _ of readInChunks(long.stream, 2)) break;
    expect(long.cancelled()).toBe(true);
  });

  it('refuses a chunk size that is not a positive whole number', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => checkChunkBytes(bad)).toThrow(/positive whole number/);
    await expect(collect(body([[1]]).stream, 0)).rejects.toThrow(/positive whole number/);
  });
});

describe('chunk plan', () => {
  it('counts chunks and gives each its size', () => {
    expect([0, 1, 4, 5, 8, 9].map((bytes) => chunkCount(bytes, 4))).toEqual([0, 1, 1, 2, 2, 3]);
    expect([0, 1, 2, 3].map((i) => chunkSize(9, 4, i))).toEqual([4, 4, 1, 0]);
    expect(chunkSize(8, 4, 1)).toBe(4);
  });

  it('keeps the largest real files at a few hundred chunks of the default size', () => {
    expect(chunkCount(12.65e9, DEFAULT_CHUNK_BYTES)).toBe(189);
    expect(chunkCount(2.1e9, DEFAULT_CHUNK_BYTES)).toBe(32);
  });
});

describe('abandoned puts', () => {
  it('are those whose lock nobody holds, where the browser has Web Locks', () => {
    const id = newPutId();
    expect(isAbandoned(id, new Set([id]))).toBe(false);
    expect(isAbandoned(id, new Set(['other']))).toBe(true);
  });

  it('are those older than a day where it has not, told by the start time in the id', () => {
    const start = Date.UTC(2026, 0, 1);
    const id = newPutId(start);
    expect(isAbandoned(id, null, start + 60 * 60 * 1000)).toBe(false);
    expect(isAbandoned(id, null, start + 25 * 60 * 60 * 1000)).toBe(true);
    expect(isAbandoned('?', null, start)).toBe(true);
    expect(newPutId(start)).not.toBe(id);
  });
});

describe('blobSha256', () => {
  it('hashes a Blob read as a stream like node:crypto hashes its bytes', async () => {
    const parts = [randomBytes(70_000), randomBytes(1), randomBytes(200_003)];
    expect(await blobSha256(new Blob(parts))).toBe(createHash('sha256').update(Buffer.concat(parts)).digest('hex'));
    expect(await blobSha256(new Blob([]))).toBe(createHash('sha256').digest('hex'));
  });
});
