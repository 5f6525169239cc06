/**
 * Engine benchmark: how fast the app decodes, against what the same files do elsewhere and what
 * the memory allows, per model variant (bench-paths.ts has the paths):
 *   - the app path: BrowserEngine -> inference worker -> tokens arriving in the page,
 *   - bare transformers.js generate loops in workers of the same page (the baseline), on the app's
 *     ORT wasm build (asyncify) and on the plain and JSPI builds,
 *   - transformers.js on onnxruntime-node in this process (native),
 * on the same model, prompt and answer length (EOS suppressed until --tokens). All are loaded at
 * once and their rounds alternate (the order rotates every round), so they share the machine's
 * weather. Decode tok/s is the playground's per-answer definition: tokens after the first over the
 * time since the first, where they are consumed (the page for the app). Ratios are paired (two
 * paths of the same round, run back to back); the headline is their median over all rounds, with
 * the quartiles. bare / bare2 (a second bare loop in a worker of its own) is an A/A control: the
 * resolution of the whole measurement on a shared machine.
 *
 * Per variant it also reports: prefill tok/s, time to first token and each path's load time;
 * memory bandwidth (WASM SIMD loads in the bare worker, memchr natively) and bytes read per
 * decoded token, as "% of the bandwidth ceiling" (traffic.ts, onnx-weights.ts); a step profile
 * (step-profile.ts: ORT's run, the tensor copies to and from the wasm heap, transformers.js'
 * loop); decode tok/s against context position (context-plan.ts); the app's cold and warm load
 * from the page (cold-start-page.ts). Targets are printed next to the results, never asserted.
 *
 *   npm run bench:engine -- [options]
 *
 *   --models a,b          bundled ids, built benchmark models (bench-0.5b: tools/models/.cache/bench-0.5b/,
 *                         built by `npm run models:bench`) or model folder paths (default pocket-chat-1m,pocket-chat-3m)
 *   --dtypes q4,q8,fp32   variants (default: those of q4, q8, fp32 the model has; fp16, q4f16 on request)
 *   --devices wasm        wasm and/or webgpu (plain ORT runs WASM only)
 *   --tokens 128          new tokens per answer
 *   --rounds 25           counted rounds (after 2 warm-up rounds)
 *   --prompt "…"          the user message (also the filler of the context sweep)
 *   --paths a,b           app, appPerToken, runner, bare, bare2, plain, jspi, node (default: all of them for a
 *                         variant up to 256 MB, app,bare,plain,node above: every path holds its own copy)
 *   --context-max 4096    the sweep's last position, capped by the model's window (0: no sweep)
 *   --context-step 256    positions 0, 256, 512, …
 *   --context-tokens 16   tokens decoded (and timed) at each position
 *   --sweep-paths bare,node   paths the sweep runs on (bare, plain, jspi, node)
 *   --bandwidth-mb 512    the bandwidth probe's buffer (the last-level cache here is 32 MB)
 *   --skip a,b            leave out bandwidth, profile, sweep, cold-start
 *   --out DIR             report.md and report.json (default bench-results/engine-<time>/)
 *   --json FILE           the JSON report also here
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchOptionsError, defaultPaths, parseBenchOptions } from './bench-options';
import { openBenchPage } from './bench-browser';
import { startBenchServer } from './bench-server';
import { planSweep, SweepPlanError } from './context-plan';
import { chooseVariants, ModelFolderError, resolveModel, variantBytes } from './model-folders';
import { ortBuildSizes } from './ort-build-sizes';
import { markdownReport, type RunInfo } from './report-markdown';
import { pathTable } from './report-speed';
import { benchVariant, type VariantResult } from './variant-bench';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const options = parseBenchOptions(process.argv.slice(2), startedAt.replace(/[:.]/g, '-'));
  if (options.contextMax > 0) planSweep(Number.POSITIVE_INFINITY, options.contextMax, options.contextStep, options.contextTokens);
  const folders = options.models.map((m) => resolveModel(m, ROOT));
  const jobs = folders.flatMap((folder) =>
    chooseVariants(folder, options.dtypes).flatMap((variant) =>
      options.devices.map((device) => ({ folder, variant, device, paths: options.paths ?? defaultPaths(variantBytes(variant), device) })),
    ),
  );
  console.log('Building the benchmark page…');
  const { url, server } = await startBenchServer(ROOT, path.join(ROOT, 'dist-bench'), folders);
  const browser = await openBenchPage(url, options.devices.includes('webgpu'));
  const results: VariantResult[] = [];
  try {
    const env = await browser.page.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      ua: navigator.userAgent,
    }));
    const info: RunInfo = {
      startedAt,
      chromium: env.ua.match(/Chrome\/[\d.]+/)?.[0] ?? '?',
      cores: env.cores,
      isolated: env.isolated,
      load: [os.loadavg()[0]!, 0],
      prompt: options.prompt,
      tokens: options.tokens,
      rounds: options.rounds,
    };
    console.log(`${info.chromium}, cross-origin isolated: ${info.isolated}, cores: ${info.cores}; ${jobs.length} variants\n`);
    for (const job of jobs) {
      console.log(`${job.folder.id} ${job.variant.dtype} on ${job.device}: ${job.paths.join(', ')}`);
      const result = await benchVariant(browser.page, { ...job, options, baseUrl: url });
      results.push(result);
      console.log(pathTable([result], options.tokens).slice(2).join('\n'));
    }
    info.load[1] = os.loadavg()[0]!;
    const sizes = ortBuildSizes(ROOT, ['asyncify', 'plain', 'jspi']);
    const markdown = markdownReport(info, results, sizes);
    const json = `${JSON.stringify({ info, options: { ...options, skip: [...options.skip] }, ortBuilds: sizes, results }, null, 2)}\n`;
    fs.mkdirSync(options.out, { recursive: true });
    fs.writeFileSync(path.join(options.out, 'report.md'), markdown);
    fs.writeFileSync(path.join(options.out, 'report.json'), json);
    if (options.json) fs.writeFileSync(options.json, json);
    console.log(`\n${markdown}\nWritten to ${path.join(options.out, 'report.md')} and report.json`);
  } finally {
    await browser.close();
    await server.close();
  }
  if (results.some((r) => r.errors.length)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  const known = error instanceof BenchOptionsError || error instanceof ModelFolderError || error instanceof SweepPlanError;
  console.error(known ? `engine-bench: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(known ? 2 : 1);
});
