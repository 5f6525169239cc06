/**
 * Validation of everything that enters the benchmark from outside: prompt sets, plans and stored
 * runs. Errors must name the field, so a user can fix the file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crossTargets, defaultPlan, parsePlan, planRequests } from '../../src/bench/plan';
import { builtinPromptSet, parsePromptSet, promptSetToJson } from '../../src/bench/prompts';
import { BenchValidationError, benchPlanSchema, type BenchPrompt } from '../../src/bench/bench-types';
import { readRunRecords } from '../../src/cache/bench-store';
import { run, sample } from './bench-fixtures';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof BenchValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a BenchValidationError');
}

describe('built-in prompt set', () => {
  it('is valid and made of cases from the bundled model golden file', () => {
    const set = builtinPromptSet();
    expect(parsePromptSet(set)).toEqual(set);
    const golden = JSON.parse(readFileSync('tools/models/golden/pocket-chat-1m.json', 'utf8')) as {
      cases: { messages: BenchPrompt['messages'] }[];
    };
    const cases = golden.cases.map((c) => JSON.stringify(c.messages));
    for (const prompt of set.prompts) expect(cases, prompt.id).toContain(JSON.stringify(prompt.messages));
  });

  it('gives every caller its own copy', () => {
    const a = builtinPromptSet();
    a.prompts[0]!.messages[0]!.content = 'changed';
    a.prompts.pop();
    expect(builtinPromptSet().prompts[0]!.messages[0]!.content).toBe('What is 2 plus 3?');
    expect(builtinPromptSet().prompts.length).toBe(a.prompts.length + 1);
  });
});

describe('parsePromptSet', () => {
  it('round-trips through its JSON export, from text or from a value', () => {
    const set = { name: 'mine', documents: [], prompts: [{ id: 'p1', messages: [{ role: 'user' as const, content: 'Hi' }] }] };
    expect(parsePromptSet(promptSetToJson(set))).toEqual(set);
    expect(parsePromptSet(JSON.parse(promptSetToJson(set)))).toEqual(set);
    expect(parsePromptSet(JSON.stringify(set))).toEqual(set);
  });

  it('names each bad field', () => {
    const issues = issuesOf(() =>
      parsePromptSet({
        name: '',
        prompts: [
          { id: 'a', messages: [{ role: 'user', content: 'Hi' }] },
          { id: 'b', messages: [{ role: 'robot', content: 'Hi' }] },
          {
            id: 'c',
            messages: [
              { role: 'user', content: 'Q' },
              { role: 'assistant', content: 'A' },
            ],
          },
          { id: 'd', messages: [{ role: 'user', content: 5 }], extra: true },
        ],
      }),
    );
    expect(issues.map((i) => i.split(': ')[0]).sort()).toEqual(
      ['name', 'prompts[1].messages[0].role', 'prompts[2].messages', 'prompts[3]', 'prompts[3].messages[0].content'].sort(),
    );
    expect(issues.find((i) => i.startsWith('prompts[2].messages'))).toContain('last message must be from the user');
  });

  it('names a duplicate prompt id (checked once every prompt is well-formed)', () => {
    const p = (id: string) => ({ id, messages: [{ role: 'user', content: id }] });
    expect(issuesOf(() => parsePromptSet({ name: 'x', prompts: [p('a'), p('b'), p('a')] }))).toEqual([
      'prompts[2].id: duplicate prompt id "a"',
    ]);
  });

  it('prefixes fields inside the export envelope, and reports text that is not JSON', () => {
    const issues = issuesOf(() => parsePromptSet({ format: 'webgpu-playground.prompt-set', promptSet: { name: 'x', prompts: [] } }));
    expect(issues).toEqual(['promptSet.prompts: needs at least one prompt']);
    expect(issuesOf(() => parsePromptSet('{'))[0]).toMatch(/^\(root\): not valid JSON/);
  });
});

describe('plans', () => {
  it('crosses models with backends, model by model', () => {
    expect(crossTargets(['a', 'b'], ['webgpu', 'gateway'])).toEqual([
      { modelId: 'a', backend: 'webgpu' },
      { modelId: 'a', backend: 'gateway' },
      { modelId: 'b', backend: 'webgpu' },
      { modelId: 'b', backend: 'gateway' },
    ]);
  });

  it('defaults temperature to 0 and names bad fields', () => {
    const { temperature: _t, ...rest } = defaultPlan([{ modelId: 'a', backend: 'wasm' }]);
    expect(parsePlan(rest).temperature).toBe(0);
    const issues = issuesOf(() => parsePlan({ ...rest, rounds: 0, warmupRounds: 1.5, targets: [{ modelId: 'a', backend: 'cuda' }] }));
    expect(issues.map((i) => i.split(': ')[0]).sort()).toEqual(['rounds', 'targets[0].backend', 'warmupRounds']);
    expect(issues).toContain('rounds: must be at least 1');
  });

  it('lays out every request: target, then round (warm-up first), then prompt', () => {
    const plan = benchPlanSchema.parse({
      ...defaultPlan(crossTargets(['a', 'b'], ['wasm'])),
      prompts: [
        { id: 'p', messages: [{ role: 'user', content: 'P' }] },
        { id: 'q', messages: [{ role: 'user', content: 'Q' }] },
      ],
      rounds: 2,
      warmupRounds: 1,
    });
    const requests = planRequests(plan);
    expect(requests).toHaveLength(2 * (1 + 2) * 2); // targets x (warm-up + rounds) x prompts
    expect(requests.slice(0, 6).map((r) => `${r.target.modelId}:${r.round}:${r.prompt.id}:${r.warmup ? 'w' : 'm'}`)).toEqual([
      'a:0:p:w',
      'a:0:q:w',
      'a:1:p:m',
      'a:1:q:m',
      'a:2:p:m',
      'a:2:q:m',
    ]);
    expect(requests[6]!.target.modelId).toBe('b');
  });
});

describe('readRunRecords (bench store validation)', () => {
  it('keeps valid runs newest first and reports each corrupt record with its first bad field', () => {
    const older = run([sample()], { id: 'old', startedAt: 1000 });
    const newer = run([sample()], { id: 'new', startedAt: 2000 });
    const broken = { ...run([sample()], { id: 'broken' }), samples: [{ ...sample(), decodeTokensPerSec: 'fast' }] };
    const { runs, skipped } = readRunRecords([
      ['old', older],
      ['broken', broken],
      ['new', newer],
      [7, 'not a run'],
      [['compound'], null],
    ]);
    expect(runs.map((r) => r.id)).toEqual(['new', 'old']);
    expect(skipped.map((s) => s.key)).toEqual(['broken', '7', 'unnamed record']);
    expect(skipped[0]!.problem).toMatch(/^samples\[0\]\.decodeTokensPerSec: /);
    expect(skipped[1]!.problem).toMatch(/^\(root\): /);
  });

  it('returns nothing for an empty store', () => {
    expect(readRunRecords([])).toEqual({ runs: [], skipped: [] });
  });
});
