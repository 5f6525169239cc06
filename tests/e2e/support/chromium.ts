/**
 * Real Chromium for end-to-end tests, driven by playwright-core. WebGPU runs on SwiftShader
 * (software), so no GPU is needed; the background-networking flags keep Chromium from calling
 * home on a closed network.
 */
import fs from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const CANDIDATES = [
  process.env['CHROMIUM_PATH'],
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/microsoft-edge',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function findChromium(): string {
  for (const path of CANDIDATES) if (path && fs.existsSync(path)) return path;
  throw new Error('No Chromium-based browser found. Install one (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.');
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--disable-gpu-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  // performance.measureUserAgentSpecificMemory() then answers at once instead of at the next
  // garbage collection (up to 20 s later): the benchmark reads the page's memory per target.
  '--enable-blink-features=ForceEagerMeasureMemory',
];

export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const base = options.webgpu === false ? [...CHROMIUM_ARGS.filter((a) => !a.includes('webgpu')), '--disable-webgpu'] : CHROMIUM_ARGS;
  // For investigations, e.g. CHROMIUM_EXTRA_ARGS='--js-flags=--trace-gc' (the output shows with DEBUG=pw:browser).
  const args = [...base, ...(process.env['CHROMIUM_EXTRA_ARGS']?.split(/\s+/).filter(Boolean) ?? [])];
  const launch: LaunchOptions = { executablePath: findChromium(), headless: true, args };
  return chromium.launch(launch);
}
