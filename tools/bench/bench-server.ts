/**
 * The benchmark's web server: the production build of the app plus the harness page, served by
 * `vite preview` on 127.0.0.1 with the app's headers (cross-origin isolated), and model folders
 * outside the build (a built benchmark model is gigabytes: it is served from where it lies, at
 * `/bench-models/<id>/`, not copied into the build).
 *
 * Node-only; never bundled.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build, preview, type Plugin, type PreviewServer } from 'vite';
import { securityHeaders } from '../vite/security-headers';
import type { ModelFolder } from './model-folders';

const TYPES: Record<string, string> = { '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

/** Sends `file`, whole or the one byte range asked for (transformers.js probes sizes with `bytes=0-0`). */
function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const size = fs.statSync(file).size;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range && (range[1] || range[2])) {
    start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  for (const [name, value] of Object.entries(securityHeaders())) res.setHeader(name, value);
  res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(end - start + 1));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'no-store');
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file, { start, end }).pipe(res);
}

/** Serves each folder model's files at /bench-models/<id>/...; 404 for anything else under it. */
export function serveModelFolders(folders: readonly ModelFolder[]): Plugin {
  const byId = new Map(folders.filter((f) => !f.bundled).map((f) => [f.id, f.dir]));
  return {
    name: 'engine-bench-model-folders',
    configurePreviewServer(server) {
      server.middlewares.use('/bench-models', (req, res, next) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          next();
          return;
        }
        const [id, ...rest] = decodeURIComponent((req.url ?? '').split('?')[0]!)
          .split('/')
          .filter(Boolean);
        const dir = id === undefined ? undefined : byId.get(id);
        const file = dir ? path.resolve(dir, ...rest) : '';
        if (!dir || !file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
          res.writeHead(404).end();
          return;
        }
        sendFile(req, res, file);
      });
    },
  };
}

/** Builds the app and the harness page into `outDir` and serves them; resolves with the base URL. */
export async function startBenchServer(
  root: string,
  outDir: string,
  folders: readonly ModelFolder[],
): Promise<{ url: string; server: PreviewServer }> {
  await build({
    root,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { main: path.join(root, 'index.html'), bench: path.join(root, 'tools/bench/bench.html') } },
    },
  });
  const server = await preview({
    root,
    logLevel: 'warn',
    plugins: [serveModelFolders(folders)],
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0 },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}
