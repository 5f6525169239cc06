/**
 * Download integrity checks on a streamed body. The "server" is a stub fetch returning hand-built
 * Responses; expected digests come from node:crypto, independent of the @noble/hashes used inside.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DownloadError, IntegrityError, IntegrityGuard, type RetryPolicy } from '../../src/cache/integrity';

const URL_ONNX = 'http://localhost/models/tiny/onnx/model_q4.onnx';
const NO_WAIT: RetryPolicy = { retries: 3, delayMs: () => 0 };
const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A body delivered in several chunks, optionally failing after them. */
function stream(chunks: Uint8Array[], failWith?: Error): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else if (failWith) controller.error(failWith);
      else controller.close();
    },
  });
}

function serve(body: ReadableStream<Uint8Array> | string | null, init: ResponseInit = {}): typeof fetch {
  return () => Promise.resolve(new Response(body, init));
}

async function readAll(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

async function failure(promise: Promise<unknown>): Promise<IntegrityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IntegrityError) return error;
    throw error;
  }
  throw new Error('expected an IntegrityError');
}

const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
const chunks = [payload.subarray(0, 300), payload.subarray(300, 301), payload.subarray(301)];

describe('IntegrityGuard', () => {
  it('passes a correct file through unchanged and records its node:crypto SHA-256', async () => {
    const guard = new IntegrityGuard();
    guard.expect('/models/tiny/onnx/model_q4.onnx', { bytes: 1000, sha256: sha(payload) });
    const fetcher = guard.wrap(serve(stream(chunks), { headers: { 'content-length': '1000' } }));
    const body = await readAll(await fetcher(URL_ONNX));
    expect(body).toEqual(payload);
    expect(guard.takeVerified(URL_ONNX)).toEqual({ bytes: 1000, sha256: sha(payload) });
    expect(guard.takeVerified(URL_ONNX)).toBeUndefined(); // consumed once
  });

  it('records the digest of files the catalog has no hash for', async () => {
    const guard = new IntegrityGuard();
    const body = await readAll(await guard.wrap(serve(stream(chunks)))(URL_ONNX));
    expect(body.byteLength).toBe(1000);
    expect(guard.takeVerified('/models/tiny/onnx/model_q4.onnx')?.sha256).toBe(sha(payload));
  });

  it('fails a body whose SHA-256 differs, after reading it, and records nothing', async () => {
    const guard = new IntegrityGuard();
    const tampered = payload.slice();
    tampered[500] = tampered[500]! ^ 1;
    guard.expect(URL_ONNX, { sha256: sha(payload) });
    const response = await guard.wrap(serve(stream([tampered])))(URL_ONNX);
    const error = await failure(readAll(response));
    expect(error.message).toContain('onnx/model_q4.onnx: SHA-256 mismatch');
    expect(error.message).toContain(`got ${sha(tampered).slice(0, 12)}`);
    expect(guard.takeVerified(URL_ONNX)).toBeUndefined();
  });

  it('rejects an HTML page served instead of a binary, before reading it', async () => {
    const guard = new IntegrityGuard();
    const fetcher = guard.wrap(serve('<!doctype html><p>Not found</p>', { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const error = await failure(fetcher(URL_ONNX));
    expect(error.message).toMatch(/^onnx\/model_q4\.onnx: the server answered with an HTML page/);
    expect(error.message).toContain('status 200');
  });

  it('lets HTML through for files that are not binaries', async () => {
    const guard = new IntegrityGuard();
    const response = await guard.wrap(serve('<html></html>', { headers: { 'content-type': 'text/html' } }))('/models/tiny/readme.html');
    expect(await response.text()).toBe('<html></html>');
  });

  it('rejects a Content-Length that disagrees with the catalog size', async () => {
    const guard = new IntegrityGuard();
    guard.expect(URL_ONNX, { bytes: 1000 });
    const error = await failure(guard.wrap(serve(stream(chunks), { headers: { 'content-length': '999' } }))(URL_ONNX));
    expect(error.message).toContain('the server sends 999 bytes but the catalog expects 1000');
  });

  it('fails a truncated download against the catalog size', async () => {
    const guard = new IntegrityGuard();
    guard.expect(URL_ONNX, { bytes: 1000 });
    const response = await guard.wrap(serve(stream([payload.subarray(0, 400)])))(URL_ONNX);
    expect((await failure(readAll(response))).message).toContain('truncated download, got 400 of 1000 bytes');
  });

  it('fails a truncated download against Content-Length when the catalog has no size', async () => {
    const guard = new IntegrityGuard();
    const response = await guard.wrap(serve(stream([payload.subarray(0, 10)]), { headers: { 'content-length': '20' } }))(URL_ONNX);
    expect((await failure(readAll(response))).message).toContain('got 10 of 20 bytes');
  });

  describe('a gzip-encoded JSON file (the hub serves them so): Content-Length is the compressed size', () => {
    const URL_JSON = 'http://localhost/models/tiny/config.json';
    const json = new TextEncoder().encode(JSON.stringify({ model_type: 'llama', pad: 'x'.repeat(500) }));
    const compressed = gzipSync(json).length;

    // What fetch hands a cross-origin page: the decoded body, Content-Length of the wire bytes,
    // and no Content-Encoding (not exposed). Node's real gzip gives the compressed length.
    it('is checked against the expected size of the decoded file, not against Content-Length', async () => {
      expect(compressed).toBeLessThan(json.length);
      const guard = new IntegrityGuard();
      guard.expect(URL_JSON, { bytes: json.length, sha256: sha(json) });
      const response = await guard.wrap(serve(stream([json]), { headers: { 'content-length': String(compressed) } }))(URL_JSON);
      expect(await readAll(response)).toEqual(json);
      expect(guard.takeVerified(URL_JSON)).toEqual({ bytes: json.length, sha256: sha(json) });
    });

    it('is not called truncated when nothing says how large it is', async () => {
      const guard = new IntegrityGuard();
      const response = await guard.wrap(serve(stream([json]), { headers: { 'content-length': String(compressed) } }))(URL_JSON);
      expect(await readAll(response)).toEqual(json);
    });

    it('still fails when the decoded body is shorter than the expected size', async () => {
      const guard = new IntegrityGuard();
      guard.expect(URL_JSON, { bytes: json.length + 1 });
      const response = await guard.wrap(serve(stream([json]), { headers: { 'content-length': String(compressed) } }))(URL_JSON);
      expect((await failure(readAll(response))).message).toContain(`truncated download, got ${json.length} of ${json.length + 1} bytes`);
    });

    it('a binary that says it is encoded is not taken at its Content-Length either', async () => {
      const guard = new IntegrityGuard();
      guard.expect(URL_ONNX, { bytes: 1000 });
      const encoded = serve(stream(chunks), { headers: { 'content-length': '600', 'content-encoding': 'gzip' } });
      expect(await readAll(await guard.wrap(encoded)(URL_ONNX))).toEqual(payload);
    });
  });

  it('reports an interrupted connection with the bytes received so far when it cannot resume', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    // Every request gets a fresh broken 200: the server ignores Range.
    const response = await guard.wrap(() => Promise.resolve(new Response(stream([payload.subarray(0, 64)], new Error('ECONNRESET')))))(
      URL_ONNX,
    );
    const error = await failure(readAll(response));
    expect(error.message).toContain('interrupted after 64 bytes (ECONNRESET; the server cannot resume a download (no range support))');
  });

  it('returns error responses untouched', async () => {
    const guard = new IntegrityGuard();
    guard.expect(URL_ONNX, { bytes: 1000 });
    const response = await guard.wrap(serve('missing', { status: 404, headers: { 'content-type': 'text/html' } }))(URL_ONNX);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('missing');
  });

  it('treats relative, absolute and URL-object requests as the same file', async () => {
    const guard = new IntegrityGuard('http://localhost/');
    guard.expect('/models/tiny/onnx/model_q4.onnx', { bytes: 3 });
    expect(guard.expectation(URL_ONNX)).toEqual({ bytes: 3 });
    const fetcher = guard.wrap(serve(stream([Uint8Array.of(1, 2)])));
    const error = await failure(readAll(await fetcher(new URL(URL_ONNX))));
    expect(error.message).toContain('got 2 of 3 bytes');
  });
});

describe('partial responses', () => {
  it('passes a 206 size probe through unchecked and records nothing as verified', async () => {
    const guard = new IntegrityGuard();
    guard.expect(URL_ONNX, { bytes: 1000, sha256: 'f'.repeat(64) });
    const probe = guard.wrap(serve('x', { status: 206, headers: { 'content-length': '1', 'content-range': 'bytes 0-0/1000' } }));
    const response = await probe(URL_ONNX, { headers: { Range: 'bytes=0-0' } });
    expect(response.status).toBe(206);
    expect(new TextDecoder().decode(await readAll(response))).toBe('x');
    expect(guard.takeVerified(URL_ONNX)).toBeUndefined();
  });
});

describe('aliases', () => {
  it('fetches and keys a branch URL at the pinned commit', async () => {
    const guard = new IntegrityGuard();
    guard.alias('http://hub/org/m/resolve/main/', 'http://hub/org/m/resolve/abc123/');
    const seen: string[] = [];
    const fetcher = guard.wrap((input) => {
      seen.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response('{}', { headers: { 'content-type': 'application/json' } }));
    });
    await (await fetcher('http://hub/org/m/resolve/main/tokenizer_config.json')).text();
    expect(seen).toEqual(['http://hub/org/m/resolve/abc123/tokenizer_config.json']);
    expect(guard.resolve('http://hub/org/m/resolve/main/onnx/model.onnx')).toBe('http://hub/org/m/resolve/abc123/onnx/model.onnx');
    expect(guard.resolve('http://hub/org/other/resolve/main/config.json')).toBe('http://hub/org/other/resolve/main/config.json');
    expect(guard.takeVerified('http://hub/org/m/resolve/abc123/tokenizer_config.json')?.bytes).toBe(2);
  });
});

describe('retries and resuming', () => {
  /** A server that drops the first connection after `cut` bytes and honours Range requests. */
  function flakyServer(body: Uint8Array, cut: number, drops = 1): { fetcher: typeof fetch; ranges: (string | null)[] } {
    const ranges: (string | null)[] = [];
    let calls = 0;
    const fetcher: typeof fetch = (_input, init) => {
      const range = new Headers(init?.headers).get('Range');
      ranges.push(range);
      const from = range ? Number(/bytes=(\d+)-/.exec(range)?.[1]) : 0;
      const part = body.subarray(from);
      const broken = calls++ < drops;
      const chunks = broken ? [part.subarray(0, cut)] : [part];
      const headers: Record<string, string> = { 'content-length': String(part.length), 'accept-ranges': 'bytes' };
      if (range) headers['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
      return Promise.resolve(
        new Response(stream(chunks, broken ? new Error('ECONNRESET') : undefined), { status: range ? 206 : 200, headers }),
      );
    };
    return { fetcher, ranges };
  }

  it('resumes a dropped download where it stopped and verifies the whole file', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    guard.expect(URL_ONNX, { bytes: payload.length, sha256: sha(payload) });
    const server = flakyServer(payload, 100);
    const body = await readAll(await guard.wrap(server.fetcher)(URL_ONNX));
    expect(sha(body)).toBe(sha(payload));
    expect(server.ranges).toEqual([null, 'bytes=100-']);
    expect(guard.takeVerified(URL_ONNX)).toEqual({ bytes: payload.length, sha256: sha(payload) });
  });

  it("gives up after the policy's resumes, saying so, and verifies nothing", async () => {
    const guard = new IntegrityGuard('http://localhost/', { retries: 2, delayMs: () => 0 });
    const server = flakyServer(payload, 10, 10);
    const error = await failure(readAll(await guard.wrap(server.fetcher)(URL_ONNX)));
    expect(error.message).toMatch(/interrupted after 30 bytes .*2 attempts to resume failed\)\. Nothing of it was kept/);
    expect(server.ranges).toEqual([null, 'bytes=10-', 'bytes=20-']);
    expect(guard.takeVerified(URL_ONNX)).toBeUndefined();
  });

  it('retries a busy server (503) and a failed connection before the body starts', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    const answers: (() => Promise<Response>)[] = [
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve(new Response('busy', { status: 503 })),
      () => Promise.resolve(new Response(payload, { headers: { 'content-length': String(payload.length) } })),
    ];
    let i = 0;
    const response = await guard.wrap(() => answers[i++]!())(URL_ONNX);
    expect(sha(await readAll(response))).toBe(sha(payload));
    expect(i).toBe(3);
  });

  it('does not retry a 404 or an aborted request', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    let calls = 0;
    const missing = await guard.wrap(() => {
      calls++;
      return Promise.resolve(new Response('no', { status: 404 }));
    })(URL_ONNX);
    expect([missing.status, calls]).toEqual([404, 1]);
    const abort = new AbortController();
    abort.abort();
    calls = 0;
    await expect(
      guard.wrap(() => {
        calls++;
        return Promise.reject(new DOMException('aborted', 'AbortError'));
      })(URL_ONNX, { signal: abort.signal }),
    ).rejects.toThrow('aborted');
    expect(calls).toBe(1);
  });
});

describe('downloads that fail for good', () => {
  const refused = (): typeof fetch => {
    const calls: RequestInit[] = [];
    const f = ((_input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init ?? {});
      return Promise.reject(new TypeError('Failed to fetch'));
    }) as typeof fetch & { calls: RequestInit[] };
    f.calls = calls;
    return f;
  };

  it('a network failure after the retries says what to check, and is reported to the load watching', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    const reported: Error[] = [];
    guard.onFailure((e) => reported.push(e));
    const base = refused() as typeof fetch & { calls: RequestInit[] };
    const error = await guard
      .wrap(base)('http://cdn.example:8080/models/tiny/onnx/model_q4.onnx')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(
      'onnx/model_q4.onnx could not be fetched from cdn.example:8080 (4 attempts): Failed to fetch. The connection failed, or the server ' +
        '(or the CDN it redirects to) does not let this page read the file (no CORS headers). Check the connection and the hub address in Settings, then try again.',
    );
    expect(base.calls).toHaveLength(4);
    expect(reported).toEqual([error]);
  });

  it('a size probe is tried once and never fails a load', async () => {
    const guard = new IntegrityGuard('http://localhost/', NO_WAIT);
    const reported: Error[] = [];
    guard.onFailure((e) => reported.push(e));
    const base = refused() as typeof fetch & { calls: RequestInit[] };
    await expect(guard.wrap(base)(URL_ONNX, { headers: { Range: 'bytes=0-0' } })).rejects.toBeInstanceOf(DownloadError);
    expect(base.calls).toHaveLength(1);
    expect(reported).toEqual([]);
  });

  it('a body that fails its check is reported; a request begun for an earlier load is not reported to the next', async () => {
    const guard = new IntegrityGuard();
    const first: Error[] = [];
    const stopFirst = guard.onFailure((e) => first.push(e));
    guard.expect(URL_ONNX, { bytes: 1000 });
    const early = await guard.wrap(serve(stream([payload.subarray(0, 400)])))(URL_ONNX);
    stopFirst();
    const second: Error[] = [];
    guard.onFailure((e) => second.push(e));
    await failure(readAll(early));
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    const late = await guard.wrap(serve(stream([payload.subarray(0, 400)])))(URL_ONNX);
    const error = await failure(readAll(late));
    expect(second).toEqual([error]);
  });
});
