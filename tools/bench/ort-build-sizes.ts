/**
 * What each ONNX Runtime wasm build weighs for the app to ship: its .wasm and .mjs, raw and
 * gzip-compressed (what a static host typically sends).
 *
 * Node-only; never bundled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OrtBuild } from './profiled-ort';

export interface BuildSize {
  build: OrtBuild;
  wasmBytes: number;
  wasmGzipBytes: number;
  mjsBytes: number;
}

const FILE: Record<OrtBuild, string> = { asyncify: '.asyncify', plain: '', jspi: '.jspi' };

export function ortBuildSizes(root: string, builds: readonly OrtBuild[]): BuildSize[] {
  const dist = path.join(root, 'node_modules', 'onnxruntime-web', 'dist');
  return builds.map((build) => {
    const wasm = fs.readFileSync(path.join(dist, `ort-wasm-simd-threaded${FILE[build]}.wasm`));
    return {
      build,
      wasmBytes: wasm.length,
      wasmGzipBytes: gzipSync(wasm, { level: 6 }).length,
      mjsBytes: fs.statSync(path.join(dist, `ort-wasm-simd-threaded${FILE[build]}.mjs`)).size,
    };
  });
}
