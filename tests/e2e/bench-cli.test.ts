/**
 * The headless driver (`npm run bench`) end to end: it serves the build the e2e setup made, runs
 * the Benchmark tab's runner in its own Chromium, and writes Markdown, JSON and CSV. One model id
 * that does not exist rides along, so the same run shows that a failing target is reported, the
 * others still run, and the exit code says so. A second run is graded by a bundled judge (--judge).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { MARKDOWN_HEADER } from '../../src/bench/markdown';
import { formatMs, formatRate } from '../../src/metrics/answer-metrics';
import { parseRunJson, parseSamplesCsv } from '../../src/bench/report';
import { parseCsvText } from '../../src/bench/csv';
import { parseJudgeReply } from '../../src/bench/judge-reply';
import { ROOT, bundledChatModels, goldenMessages, readGolden } from '../support/paths';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDriver(args: string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/bench/bench-cli.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The median by sorting, written here so the check does not reuse the app's statistics. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
}

const known = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

it('writes Markdown, JSON and CSV reports for the bundled models and fails on a model that cannot run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const models = bundledChatModels().map((m) => m.id);
  const prompts = path.join(dir, 'prompts.json');
  fs.writeFileSync(
    prompts,
    JSON.stringify({
      name: 'two prompts',
      prompts: [
        { id: 'add', messages: [{ role: 'user', content: 'What is 2 plus 3?' }], facets: ['5'] },
        { id: 'hello', messages: [{ role: 'user', content: 'Hello' }] },
      ],
    }),
  );
  const out = path.join(dir, 'report.md');
  const json = path.join(dir, 'run.json');
  const csv = path.join(dir, 'samples.csv');
  const selectionMd = path.join(dir, 'selection.md');
  const selectionCsv = path.join(dir, 'selection.csv');
  const result = await runDriver([
    '--no-build',
    '--models',
    [...models, 'no-such-model'].join(','),
    '--rounds',
    '2',
    '--warmup',
    '0',
    '--max-tokens',
    '8',
    '--prompts',
    prompts,
    '--out',
    out,
    '--json',
    json,
    '--csv',
    csv,
    '--selection',
    selectionMd,
    '--selection',
    selectionCsv,
    '--price',
    'ref=1/2',
    '--watts',
    '10',
  ]);
  const log = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, log).toBe(1);
  expect(result.stderr, log).toMatch(/no-such-model on wasm: failed — "no-such-model" is not in the catalog/);

  const run = parseRunJson(fs.readFileSync(json, 'utf8'));
  expect(run.plan.promptSetName).toBe('two prompts');
  expect(parseSamplesCsv(fs.readFileSync(csv, 'utf8'))).toHaveLength(run.samples.length);
  const markdown = fs.readFileSync(out, 'utf8');
  expect(markdown).toContain(MARKDOWN_HEADER);
  expect(markdown).toMatch(/- no-such-model on wasm: failed/);
  for (const id of models) {
    const samples = run.samples.filter((s) => s.modelId === id && s.error === null && !s.warmup);
    expect(samples, `${id} samples`).toHaveLength(4);
    const row = markdown.split('\n').find((line) => line.startsWith(`|${id}|`));
    expect(row, `${id} row in\n${markdown}`).toBeDefined();
    const cells = row!.split('|').slice(1, -1);
    expect(cells[1]).toMatch(/^wasm · /);
    expect(cells[2]).toBe(formatMs(median(known(samples.map((s) => s.ttftMs)))));
    expect(cells[4]).toBe(formatRate(median(known(samples.map((s) => s.decodeTokensPerSec)))));
    expect(cells[6]).toBe('4');
  }
  expect(run.samples.some((s) => s.modelId === 'no-such-model' && s.error === null)).toBe(false);

  // The selection report: every model answers "5" to the one scored prompt, so quality is 1; cost
  // and energy come from the run's own tokens and times at the flags' price and power.
  const [header, ...rows] = parseCsvText(fs.readFileSync(selectionCsv, 'utf8')).filter((r) => r.length > 1);
  const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
  // The model that could not run has no row, and the notes say why.
  expect(records.map((r) => r['model_id'])).toEqual(models);
  for (const id of models) {
    const r = records.find((x) => x['model_id'] === id)!;
    const samples = run.samples.filter((s) => s.modelId === id && s.error === null && !s.warmup);
    expect(r['quality'], id).toBe('1');
    const cost = (samples.reduce((n, s) => n + s.promptTokens * 1 + s.generatedTokens * 2, 0) / samples.length / 1e6) * 1000;
    expect(Number(r['cost_usd_per_1k_answers (ref)']), id).toBeCloseTo(cost, 12);
    const joules = samples.reduce((n, s) => n + (10 * s.totalMs!) / 1000, 0) / samples.length;
    expect(Number(r['energy_j_per_answer']), id).toBeCloseTo(joules, 9);
    expect(Number(r['page_memory_bytes']), id).toBeGreaterThan(0);
  }
  expect(fs.readFileSync(selectionMd, 'utf8')).toContain('- no-such-model on wasm: failed — "no-such-model" is not in the catalog');
  expect(fs.readFileSync(selectionMd, 'utf8')).toMatch(/^- Recommended here for \*\*chat\*\*: \*\*pocket-chat-\dm · WASM \w+\*\*\./m);
  fs.rmSync(dir, { recursive: true, force: true });
}, 240_000);

it('grades a headless run with --judge, storing what parsing the judge replies gives, and refuses a bad judge flag', async () => {
  const bad = await runDriver(['--no-build', '--judge', 'pocket-chat-3m@nowhere']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--judge "pocket-chat-3m@nowhere": use MODEL or MODEL@BACKEND/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-judge-'));
  const json = path.join(dir, 'run.json');
  const selectionCsv = path.join(dir, 'selection.csv');
  const template = path.join(dir, 'judge.txt');
  // Short: the bundled models read 512 tokens at most.
  fs.writeFileSync(template, 'Grade {{answer}} for {{question}}: coherence, factuality, concision.');
  const result = await runDriver([
    '--no-build',
    '--models',
    'pocket-chat-1m',
    '--rounds',
    '1',
    '--warmup',
    '0',
    '--max-tokens',
    '16',
    '--out',
    path.join(dir, 'report.md'),
    '--json',
    json,
    '--selection',
    selectionCsv,
    '--judge',
    'pocket-chat-3m',
    '--judge-template',
    template,
  ]);
  const log = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, log).toBe(0);
  const run = parseRunJson(fs.readFileSync(json, 'utf8'));
  const answers = run.samples.filter((s) => !s.warmup && s.error === null);
  expect(answers.length).toBe(run.plan.prompts.length);
  for (const s of answers) {
    expect(s.rubric, s.promptId).toMatchObject({ by: 'judge', judge: 'pocket-chat-3m' });
    const verdict = parseJudgeReply(s.rubric!.reply!);
    expect([s.rubric!.coherence, s.rubric!.factuality, s.rubric!.concision, s.rubric!.problem], s.promptId).toEqual([
      verdict.grades.coherence,
      verdict.grades.factuality,
      verdict.grades.concision,
      verdict.problem,
    ]);
  }
  const [header, row] = parseCsvText(fs.readFileSync(selectionCsv, 'utf8'));
  const record = Object.fromEntries(header!.map((h, i) => [h, row![i] ?? '']));
  expect(record['rubric_by']).toBe('pocket-chat-3m');
  expect(record['rubric_unscored']).toBe(String(answers.filter((s) => s.rubric!.problem !== null).length));
  fs.rmSync(dir, { recursive: true, force: true });
}, 240_000);

it('measures draft -> refine headless: the rule escalates the long golden draft, keeps the short one, and adds the times', async () => {
  const golden = readGolden('pocket-chat-1m');
  const LONG = 'Tell me about the moon.';
  const SHORT = 'What is 2 plus 3?';
  const LIMIT = 40;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-pipeline-'));
  const prompts = path.join(dir, 'prompts.json');
  fs.writeFileSync(
    prompts,
    JSON.stringify({
      name: 'long and short',
      prompts: [
        { id: 'long', messages: goldenMessages(golden, LONG) },
        { id: 'short', messages: goldenMessages(golden, SHORT) },
      ],
    }),
  );
  const json = path.join(dir, 'run.json');
  const out = path.join(dir, 'report.md');
  const result = await runDriver([
    '--no-build',
    '--models',
    'pocket-chat-1m',
    '--pipeline',
    'pocket-chat-1m>pocket-chat-3m',
    '--escalate',
    `longer:${LIMIT}`,
    '--rounds',
    '1',
    '--warmup',
    '0',
    '--max-tokens',
    String(golden.max_new_tokens),
    '--prompts',
    prompts,
    '--json',
    json,
    '--out',
    out,
  ]);
  const log = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, log).toBe(0);
  const run = parseRunJson(fs.readFileSync(json, 'utf8'));
  // The refine model was added to the targets, so it is measured alone too.
  expect(run.targets.map((t) => [t.target.modelId, t.status])).toEqual([
    ['pocket-chat-1m', 'ok'],
    ['pocket-chat-3m', 'ok'],
  ]);
  const dtype = run.targets[0]!.dtype!;
  const goldenText = (q: string): string => golden.cases.find((c) => c.messages.at(-1)!.content === q)!.texts[dtype]!;
  const drafts = run.samples.filter((s) => s.modelId === 'pocket-chat-1m');
  expect(drafts.map((s) => s.output)).toEqual([goldenText(LONG), goldenText(SHORT)]);
  const [pipeline] = run.pipelines!;
  expect([pipeline!.status, pipeline!.message]).toEqual(['ok', null]);
  const steps = pipeline!.steps;
  expect(steps.map((s) => [s.promptId, s.escalated, s.reason])).toEqual([
    ['long', true, `the draft is ${goldenText(LONG).length} characters, over ${LIMIT}`],
    ['short', false, `the draft is ${goldenText(SHORT).length} characters, within ${LIMIT}`],
  ]);
  expect(steps.map((s) => s.draftMs)).toEqual(drafts.map((s) => s.totalMs));
  expect(steps[0]!.refineMs).toBeGreaterThan(0);
  expect(steps[0]!.error).toBeNull();
  expect(steps[1]!.output).toBe(goldenText(SHORT));
  const combined = (steps[0]!.draftMs! + steps[0]!.refineMs! + steps[1]!.draftMs!) / 2;
  expect(fs.readFileSync(out, 'utf8')).toContain(
    `|pocket-chat-1m · WASM → pocket-chat-3m · WASM|when the draft is longer than ${LIMIT} characters|1/2 (50%)|${formatMs(combined)}|`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}, 240_000);
