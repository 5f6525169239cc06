/**
 * Headless benchmark driver: builds and serves the app, runs the Benchmark tab's own runner in
 * Chromium (the same code path a person clicks), and writes the same exports the tab offers, so
 * results can be compared across commits.
 *
 *   npm run bench -- --models pocket-chat-1m,pocket-chat-3m [--backends wasm,webgpu,gateway]
 *                    [--rounds 3] [--warmup 1] [--max-tokens 32] [--out report.md]
 *                    [--json run.json] [--csv samples.csv] [--prompts set.json]
 *                    [--gateway http://localhost:5273] [--no-build]
 *                    [--selection selection.md] [--price NAME=IN/OUT] [--watts N]
 *                    [--judge MODEL[@BACKEND]] [--judge-template FILE]
 *                    [--pipeline DRAFT[@B]>REFINE[@B]] [--escalate RULE] [--refine-instruction TEXT]
 *
 * --prompts takes a prompt set exported from the Benchmark tab (or a bare {name, prompts}), or the
 * name of a built-in set: `builtin` (the default) or `grounded` (questions about reference
 * documents, each asked with retrieved passages and without; the report gains a grounded table). --gateway points the app at a gateway for `gateway` targets.
 * --selection writes the model selection report (see selection-flags.ts for it and its flags).
 * --judge grades every answer on the 1–5 rubric with that model after the run (judge-flags.ts);
 * the reports then carry the rubric's columns. A judge that cannot run exits 1, the reports written.
 * --pipeline measures draft -> refine after the targets (pipeline-flags.ts): escalation rate and
 * combined time against each model alone, in a table of the report. A pipeline that fails exits 1.
 *
 * Exits 1 with the reason when a target cannot run (the report is still written), 2 on bad flags.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runToMarkdown } from '../../src/bench/markdown';
import { builtinPromptSet, parsePromptSet } from '../../src/bench/prompts';
import { crossTargets, planFromSet, planRequests } from '../../src/bench/plan';
import { serveBuiltApp } from './serve-app';
import { groundedPromptSet } from '../../src/bench/grounded-set';
import { runToJson, samplesToCsv } from '../../src/bench/report';
import { BACKENDS, benchRunSchema, parseWith, type BenchPlan, type PromptSet } from '../../src/bench/bench-types';
import type { BenchSession } from '../../src/app/bench-session';
import type { BackendKind } from '../../src/engine/engine-types';
import { launchChromium } from '../../tests/e2e/support/chromium';
import { errorMessage } from '../../src/errors/error-message';
import { estimatesFromFlags, SELECTION_OPTIONS, writeSelection } from './selection-flags';
import { JUDGE_OPTIONS, judgeFromFlags } from './judge-flags';
import { PIPELINE_OPTIONS, pipelineFromFlags, withPipelineTargets } from './pipeline-flags';

const ROOT = path.resolve(import.meta.dirname, '../..');

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function count(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${flag} must be a whole number >= ${min} (got "${value}").`);
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        models: { type: 'string', default: 'pocket-chat-1m,pocket-chat-3m' },
        backends: { type: 'string', default: 'wasm' },
        rounds: { type: 'string', default: '3' },
        warmup: { type: 'string', default: '1' },
        'max-tokens': { type: 'string', default: '32' },
        out: { type: 'string', default: 'bench-report.md' },
        json: { type: 'string' },
        csv: { type: 'string' },
        prompts: { type: 'string' },
        gateway: { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        ...SELECTION_OPTIONS,
        ...JUDGE_OPTIONS,
        ...PIPELINE_OPTIONS,
      },
      strict: true,
    });
  } catch (error) {
    return fail(errorMessage(error));
  }
})();

const backends = values.backends.split(',').map((b) => b.trim());
for (const b of backends) {
  if (!(BACKENDS as readonly string[]).includes(b)) fail(`--backends: unknown backend "${b}" (use ${BACKENDS.join(', ')}).`);
}
/** The built-in sets by name, for --prompts. */
const BUILTIN_SETS: Record<string, () => PromptSet> = { builtin: builtinPromptSet, grounded: groundedPromptSet };

function readPromptSet(file: string | undefined): PromptSet {
  if (!file) return builtinPromptSet();
  const builtin = Object.hasOwn(BUILTIN_SETS, file) ? BUILTIN_SETS[file] : undefined;
  if (builtin) return builtin();
  try {
    return parsePromptSet(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`--prompts ${file}: ${errorMessage(error)}`);
  }
}
const prompts = readPromptSet(values.prompts);
const pipeline = (() => {
  try {
    return pipelineFromFlags(values);
  } catch (error) {
    return fail(errorMessage(error));
  }
})();
const plan: BenchPlan = {
  targets: withPipelineTargets(
    crossTargets(
      values.models
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
      backends as BackendKind[],
    ),
    pipeline,
  ),
  ...planFromSet(prompts),
  ...(pipeline ? { pipelines: [pipeline] } : {}),
  rounds: count(values.rounds, 'rounds', 1),
  warmupRounds: count(values.warmup, 'warmup', 0),
  maxNewTokens: count(values['max-tokens'], 'max-tokens', 1),
  temperature: 0,
};
if (plan.targets.length === 0) fail('--models: name at least one model id.');
const estimates = (() => {
  try {
    return estimatesFromFlags(values);
  } catch (error) {
    return fail(errorMessage(error));
  }
})();

const judge = (() => {
  try {
    return judgeFromFlags(values);
  } catch (error) {
    return fail(errorMessage(error));
  }
})();

if (values.gateway) process.env['GATEWAY_URL'] = values.gateway;
const app = await serveBuiltApp({ build: !values['no-build'] }).catch((error: unknown) => fail(errorMessage(error), 1));
const browser = await launchChromium();
let exitCode = 0;
try {
  const context = await browser.newContext();
  // No variant measurement at the first load: runs compared across commits must run the same
  // variant every time, and a measurement picks by the machine's weather of the moment. The
  // targets then run the placement's default order (src/placement/default-order.ts).
  await context.addInitScript(() => {
    if (!localStorage.getItem('playground.preferences.v1'))
      localStorage.setItem('playground.preferences.v1', JSON.stringify({ measureVariants: false }));
  });
  if (values.gateway) {
    await context.addInitScript((url) => {
      localStorage.setItem('playground.gateway.v1', JSON.stringify({ baseUrl: url }));
    }, values.gateway);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}#benchmark`);
  await page.waitForFunction(() => 'bench' in window, null, { timeout: 60_000 });
  const total = planRequests(plan).length;
  console.log(
    `Running ${plan.targets.length} target(s) × ${plan.prompts.length} prompts × ${plan.rounds} rounds (+${plan.warmupRounds} warm-up): ${total} requests…`,
  );
  if (judge) console.log(`Then ${judge.judge.modelId} on ${judge.judge.backend} grades every answer on the rubric.`);
  const { json, problem } = await page.evaluate(
    async ([p, j]) => {
      const bench = (window as unknown as { bench: BenchSession }).bench;
      bench.setPlan(p);
      if (j) bench.setJudge({ judge: j.judge, ...(j.template === null ? {} : { template: j.template }) });
      // Naming a hub model on the command line is the consent to download it.
      const run = await bench.run({ download: true });
      return { json: run ? JSON.stringify(run) : null, problem: bench.problem };
    },
    [plan, judge] as const,
  );
  if (!json) fail(`The benchmark did not run${errors.length ? `: ${errors.join('; ')}` : ''}${problem ? `: ${problem}` : ''}.`, 1);
  // Checked like an import: what the page handed over is what gets written.
  const run = parseWith(benchRunSchema, JSON.parse(json), 'benchmark run');
  const outDir = path.dirname(path.resolve(values.out));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(values.out, runToMarkdown(run));
  if (values.json) fs.writeFileSync(values.json, runToJson(run));
  if (values.csv) fs.writeFileSync(values.csv, samplesToCsv(run.samples));
  const selection = writeSelection(run, values, estimates, ROOT);
  console.log(runToMarkdown(run));
  console.log(`Wrote ${[values.out, values.json, values.csv, ...selection].filter(Boolean).join(', ')}`);
  if (problem) {
    exitCode = 1;
    console.error(problem);
  }
  for (const p of run.pipelines ?? []) {
    if (p.status === 'ok') continue;
    exitCode = 1;
    console.error(
      `draft -> refine ${p.pipeline.draft.modelId} > ${p.pipeline.refine.modelId}: ${p.status}${p.message ? ` — ${p.message}` : ''}`,
    );
  }
  const bad = run.targets.filter((t) => t.status !== 'ok');
  if (bad.length) {
    exitCode = 1;
    for (const t of bad) console.error(`${t.target.modelId} on ${t.target.backend}: ${t.status}${t.message ? ` — ${t.message}` : ''}`);
  }
} finally {
  await browser.close();
  await app.close();
}
process.exit(exitCode);
