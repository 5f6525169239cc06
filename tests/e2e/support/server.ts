/**
 * Builds the production bundle once and serves it with `vite preview` on 127.0.0.1 (with the
 * same COOP/COEP headers users get). Used as the e2e project's global setup.
 */
import path from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { freePort } from './gateway-process';

const ROOT = path.resolve(import.meta.dirname, '../../..');

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The port the preview server's `/gateway` proxy forwards to (tests start the gateway there). */
    gatewayPort: number;
  }
}

let server: PreviewServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env['E2E_SKIP_BUILD'] !== '1') {
    // Vitest sets NODE_ENV=test, which would make this a non-production build (import.meta.env.PROD
    // false): the tests must run what users get.
    const nodeEnv = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      await build({ root: ROOT, logLevel: 'warn', mode: 'production' });
    } finally {
      if (nodeEnv === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = nodeEnv;
    }
  }
  // vite.config.ts reads GATEWAY_URL when the preview server loads it.
  const gatewayPort = await freePort();
  process.env['GATEWAY_URL'] = `http://127.0.0.1:${gatewayPort}`;
  project.provide('gatewayPort', gatewayPort);
  server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}/`);
  return async () => {
    await server?.close();
  };
}
