/**
 * Download integrity: a fetch wrapper that checks every model file while it streams in, so a bad
 * download fails the load with a clear message and never reaches the cache.
 *
 * Checked: an HTML page where a binary was expected (hubs and proxies answer 200 with an error
 * page), the size against Content-Length and the catalog, and the SHA-256 where the catalog knows it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { errorMessage } from '../errors/error-message';

/** What the catalog says a file must be. */
export interface Expectation {
  bytes?: number;
  sha256?: string;
}

/** A downloaded file failed a check; nothing of it was cached. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/**
 * A file could not be fetched at all, after the retries: the network failed, or the browser
 * refused the page the answer (a server, or the CDN it redirects to, without CORS headers looks
 * exactly like a dead network to a page). Another device would meet the same wall.
 */
export class DownloadError extends IntegrityError {
  override name = 'DownloadError';
}

/** transformers.js asks for byte 0 of a file to learn its size: a probe, not a download. */
function isSizeProbe(init: RequestInit | undefined): boolean {
  return new Headers(init?.headers).get('range') === 'bytes=0-0';
}

/** What was verified for a URL, read by the weight cache before it stores the file. */
export interface Verified {
  bytes: number;
  sha256: string;
}

const BINARY = /\.(onnx|onnx_data|wasm|bin|safetensors)(\?|$)/;

/**
 * The file's size as the headers tell it, when they can. Content-Length is the size on the wire:
 * for a gzip-encoded body (the hub serves its JSON files that way) it is the compressed size, and
 * the body fetch hands over is the decoded one. Content-Encoding is hidden from a cross-origin
 * page unless the server exposes it, so only binaries, which hubs and CDNs send as they are, are
 * taken at their Content-Length; any other file is checked against the catalog's size alone.
 */
function fileLength(url: string, headers: Headers): number | undefined {
  const header = headers.get('content-length');
  const encoding = headers.get('content-encoding');
  if (header === null || !BINARY.test(url) || (encoding !== null && encoding !== 'identity')) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function fileName(url: string): string {
  return url.split('?')[0]?.split('/').slice(-2).join('/') ?? url;
}

/** How hard a download tries before it gives up: attempts after the first, and the wait before each. */
export interface RetryPolicy {
  retries: number;
  delayMs: (attempt: number) => number;
}

/** Half a second, then 1.5 s, then 4 s: enough for a flaky Wi-Fi, short enough to not look hung. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, delayMs: (attempt) => [500, 1500, 4000][attempt] ?? 4000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Worth another try: the network failed or the server is overloaded; not a 404 or a bad file. */
function transient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function withRange(init: RequestInit | undefined, from: number): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('Range', `bytes=${from}-`);
  return { ...init, headers };
}

export class IntegrityGuard {
  private readonly expectations = new Map<string, Expectation>();
  private readonly verified = new Map<string, Verified>();
  private readonly aliases = new Map<string, string>();
  /** Listeners by the epoch they started: a request reports to the listener that was current when it began. */
  private readonly failureListeners = new Map<(error: IntegrityError) => void, number>();
  private epoch = 0;

  /**
   * @param base URLs are resolved against it, so "/models/a" and "http://host/models/a" are one
   *   file (transformers.js requests bundled files by origin-relative path).
   */
  constructor(
    private readonly base = 'http://localhost/',
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** The absolute form of a URL, the key used by the guard and the weight cache. */
  resolve(url: string): string {
    let href: string;
    try {
      href = new URL(url, this.base).href;
    } catch {
      return url;
    }
    for (const [from, to] of this.aliases) if (href.startsWith(from)) return to + href.slice(from.length);
    return href;
  }

  /**
   * Treats every URL under `from` as the same URL under `to`, for requests and cache keys alike.
   * transformers.js asks for a few files at the hub's "main" branch whatever revision it was
   * given; aliasing `…/resolve/main/` to the pinned commit keeps them pinned and cacheable.
   */
  alias(from: string, to: string): void {
    this.aliases.set(this.resolve(from), this.resolve(to));
  }

  expect(url: string, expectation: Expectation): void {
    this.expectations.set(this.resolve(url), expectation);
  }

  expectation(url: string): Expectation | undefined {
    return this.expectations.get(this.resolve(url));
  }

  /** The verified digest of a completed download (consumed once). */
  takeVerified(url: string): Verified | undefined {
    const key = this.resolve(url);
    const v = this.verified.get(key);
    this.verified.delete(key);
    return v;
  }

  /**
   * Calls `listener` with every download that failed for good (size probes aside), until the
   * returned function is called. The runner fails its load from here: transformers.js 4.3.1 never
   * settles a load whose external-data chunk failed to download (model-runner.ts).
   */
  onFailure(listener: (error: IntegrityError) => void): () => void {
    // A new epoch: requests still running for an earlier load (transformers.js does not cancel
    // its other downloads when one fails) cannot fail this one.
    this.failureListeners.set(listener, ++this.epoch);
    return () => this.failureListeners.delete(listener);
  }

  /** Tells the listeners of the request's epoch, and returns the error for the caller to throw. */
  private failed(error: IntegrityError, epoch: number): IntegrityError {
    for (const [listener, since] of [...this.failureListeners]) if (since === epoch) listener(error);
    return error;
  }

  /** A fetch that verifies bodies as they stream; pass it as transformers.js `env.fetch`. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const epoch = this.epoch;
      const requested = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const url = this.resolve(requested);
      // An aliased URL is fetched at its pinned address (a Request object keeps its own).
      const target = typeof input === 'string' || input instanceof URL ? url : input;
      const retry = this.retry;
      // A failed size probe costs only a progress total; the download right after it retries.
      const probe = isSizeProbe(init);
      const retries = probe ? 0 : retry.retries;
      let response: Response;
      for (let attempt = 0; ; attempt++) {
        try {
          response = await base(target, init);
          if (!transient(response.status) || attempt >= retries) break;
        } catch (error) {
          // An abort is the user's decision; a network error may pass.
          if (init?.signal?.aborted) throw error;
          if (attempt >= retries) {
            const failure = new DownloadError(
              `${fileName(url)} could not be fetched from ${hostOf(url)}${attempt ? ` (${attempt + 1} attempts)` : ''}: ${errorMessage(error)}. ` +
                'The connection failed, or the server (or the CDN it redirects to) does not let this page read the file (no CORS headers). ' +
                'Check the connection and the hub address in Settings, then try again.',
              { cause: error },
            );
            throw probe ? failure : this.failed(failure, epoch);
          }
        }
        await sleep(retry.delayMs(attempt));
      }
      // A partial response (transformers.js probes a file's size with `Range: bytes=0-0`) is not
      // a download: it is never cached, and its length is not the file's.
      if (!response.ok || !response.body || response.status === 206) return response;
      const expected = this.expectations.get(url) ?? {};
      const type = response.headers.get('content-type') ?? '';
      if (BINARY.test(url) && /text\/html/i.test(type)) {
        await response.body.cancel();
        throw this.failed(
          new IntegrityError(
            `${fileName(url)}: the server answered with an HTML page instead of the file (status ${response.status}). ` +
              'The model URL or hub mirror is probably wrong.',
          ),
          epoch,
        );
      }
      const declared = fileLength(url, response.headers);
      if (declared !== undefined && expected.bytes !== undefined && declared !== expected.bytes) {
        await response.body.cancel();
        throw this.failed(
          new IntegrityError(
            `${fileName(url)}: the server sends ${declared} bytes but the catalog expects ${expected.bytes}. ` +
              'The file changed upstream or the catalog entry is wrong.',
          ),
          epoch,
        );
      }
      const want = expected.bytes ?? declared;
      const hash = sha256.create();
      let received = 0;
      let reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
      let resumes = 0;
      const verified = this.verified;
      const failed = (error: IntegrityError): IntegrityError => this.failed(error, epoch);
      /**
       * After a dropped connection, asks for the rest (`Range: bytes=received-`) and carries on
       * hashing where it stopped. Returns the new reader, or why resuming is not possible.
       */
      const resume = async (): Promise<ReadableStreamDefaultReader<Uint8Array> | string> => {
        while (resumes < retry.retries) {
          await sleep(retry.delayMs(resumes));
          resumes++;
          try {
            const rest = await base(target, withRange(init, received));
            const range = rest.headers.get('content-range') ?? '';
            if (rest.status === 206 && rest.body && range.startsWith(`bytes ${received}-`)) return rest.body.getReader();
            await rest.body?.cancel();
            if (rest.status === 200) return 'the server cannot resume a download (no range support)';
            if (!transient(rest.status)) return `the server answered HTTP ${rest.status} when asked for the rest`;
          } catch {
            // A network error: the next attempt may get through, unless the user cancelled.
            if (init?.signal?.aborted) return 'cancelled';
          }
        }
        return `${retry.retries} attempts to resume failed`;
      };
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          for (;;) {
            try {
              chunk = await reader.read();
              break;
            } catch (error) {
              const next = await resume();
              if (typeof next !== 'string') {
                reader = next;
                continue;
              }
              controller.error(
                failed(
                  new IntegrityError(
                    `${fileName(url)}: the download was interrupted after ${received} bytes (${errorMessage(error)}; ${next}). Nothing of it was kept: try again.`,
                  ),
                ),
              );
              return;
            }
          }
          if (chunk.done) {
            const digest = bytesToHex(hash.digest());
            if (want !== undefined && received !== want) {
              controller.error(
                failed(
                  new IntegrityError(`${fileName(url)}: truncated download, got ${received} of ${want} bytes. Retry to download it again.`),
                ),
              );
              return;
            }
            if (expected.sha256 && digest !== expected.sha256) {
              controller.error(
                failed(
                  new IntegrityError(
                    `${fileName(url)}: SHA-256 mismatch (got ${digest.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…). The file is corrupt or was replaced upstream.`,
                  ),
                ),
              );
              return;
            }
            verified.set(url, { bytes: received, sha256: digest });
            controller.close();
            return;
          }
          received += chunk.value.byteLength;
          hash.update(chunk.value);
          controller.enqueue(chunk.value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }
}
