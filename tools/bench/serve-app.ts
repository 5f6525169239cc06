/** Builds the app (unless told not to) and serves the build on 127.0.0.1, for the headless drivers. */
import path from 'node:path';
import { build, preview } from 'vite';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function serveBuiltApp(options: { build: boolean }): Promise<ServedApp> {
  if (options.build) {
    console.log('Building the app…');
    await build({ root: ROOT, logLevel: 'warn' });
  }
  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('The preview server has no port.');
  }
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
