import { defineConfig } from 'vitest/config';

// Three layers (see tests/README.md): pure logic, Node inference on the bundled models, and
// end-to-end runs of the production build in real Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The bundled gateway over real HTTP on 127.0.0.1, driven by the official openai client.
          name: 'gateway',
          include: ['tests/gateway/**/*.test.ts'],
          environment: 'node',
          // Each file starts its own gateway and loads models; on two cores one at a time is faster.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/support/server.ts'],
          // One Chromium at a time: two cores, and SwiftShader WebGPU is CPU-bound.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
