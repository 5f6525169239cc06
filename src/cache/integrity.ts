/**
 * Download integrity: a fetch wrapper that checks every model file while it streams in, so a bad
 * download fails the load with a clear message and never reaches the cache.
 *
 * Checked: an HTML page where a binary was expected (hubs and proxies answer 200 with an error
 * page), the size against Content-Length and the catalog, and the SHA-256 where the catalog knows it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** What the catalog says a file must be. */
export interface Expectation {
  bytes?: number;
  sha256?: string;
}

/** A downloaded file failed a check; nothing of it was cached. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/** What was verified for a URL, read by the weight cache before it stores the file. */
export interface Verified {
  bytes: number;
  sha256: string;
}

const BINARY = /\.(onnx|onnx_data|wasm|bin|safetensors)(\?|$)/;

function fileName(url: string): string {
  return url.split('?')[0]?.split('/').slice(-2).join('/') ?? url;
}

export class IntegrityGuard {
  private readonly expectations = new Map<string, Expectation>();
  private readonly verified = new Map<string, Verified>();
  private readonly aliases = new Map<string, string>();

  /**
   * @param base URLs are resolved against it, so "/models/a" and "http://host/models/a" are one
   *   file (transformers.js requests bundled files by origin-relative path).
   */
  constructor(private readonly base = 'http://localhost/') {}

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

  /** A fetch that verifies bodies as they stream; pass it as transformers.js `env.fetch`. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const requested = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const url = this.resolve(requested);
      // An aliased URL is fetched at its pinned address (a Request object keeps its own).
      const response = await base(typeof input === 'string' || input instanceof URL ? url : input, init);
      // A partial response (transformers.js probes a file's size with `Range: bytes=0-0`) is not
      // a download: it is never cached, and its length is not the file's.
      if (!response.ok || !response.body || response.status === 206) return response;
      const expected = this.expectations.get(url) ?? {};
      const type = response.headers.get('content-type') ?? '';
      if (BINARY.test(url) && /text\/html/i.test(type)) {
        await response.body.cancel();
        throw new IntegrityError(
          `${fileName(url)}: the server answered with an HTML page instead of the file (status ${response.status}). ` +
            'The model URL or hub mirror is probably wrong.',
        );
      }
      const header = response.headers.get('content-length');
      const declared = header === null ? undefined : Number(header);
      if (declared !== undefined && expected.bytes !== undefined && declared !== expected.bytes) {
        await response.body.cancel();
        throw new IntegrityError(
          `${fileName(url)}: the server sends ${declared} bytes but the catalog expects ${expected.bytes}. ` +
            'The file changed upstream or the catalog entry is wrong.',
        );
      }
      const want = expected.bytes ?? declared;
      const hash = sha256.create();
      let received = 0;
      const reader = response.body.getReader();
      const verified = this.verified;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            controller.error(
              new IntegrityError(
                `${fileName(url)}: the download was interrupted after ${received} bytes (${error instanceof Error ? error.message : String(error)}). Retry to download it again.`,
              ),
            );
            return;
          }
          if (chunk.done) {
            const digest = bytesToHex(hash.digest());
            if (want !== undefined && received !== want) {
              controller.error(new IntegrityError(`${fileName(url)}: truncated download, got ${received} of ${want} bytes. Retry to download it again.`));
              return;
            }
            if (expected.sha256 && digest !== expected.sha256) {
              controller.error(
                new IntegrityError(
                  `${fileName(url)}: SHA-256 mismatch (got ${digest.slice(0, 12)}…, catalog says ${expected.sha256.slice(0, 12)}…). The file is corrupt or was replaced upstream.`,
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
