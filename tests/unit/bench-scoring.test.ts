/**
 * Scored prompt sets: each check of one answer, the quality of a target, and the validation of
 * an imported set. Every expected number is worked out by hand in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { builtinPromptSet, parsePromptSet } from '../../src/bench/prompts';
import { formatScore, qualityByTarget, scoredTasks, summarizeQuality } from '../../src/bench/quality';
import { answerLength, normalizeText, scoreAnswer } from '../../src/bench/scoring';
import { BenchValidationError, type BenchPrompt } from '../../src/bench/bench-types';
import { run, sample } from './bench-fixtures';
import { readGolden } from '../support/paths';

const ask = (extra: Partial<BenchPrompt>): BenchPrompt => ({ id: 'p', messages: [{ role: 'user', content: 'q' }], ...extra });

function issuesOf(input: unknown): readonly string[] {
  try {
    parsePromptSet(input);
  } catch (error) {
    if (error instanceof BenchValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a BenchValidationError');
}

describe('scoreAnswer', () => {
  it('matches the reference ignoring case and spacing, but not punctuation', () => {
    const prompt = ask({ reference: '2 plus 3 is 5.' });
    expect(normalizeText('  2  PLUS\n3 is 5. ')).toBe('2 plus 3 is 5.');
    expect(scoreAnswer(prompt, '  2  PLUS\n3 is 5. ')).toEqual({ exact: true, facets: null, withinLength: null, quality: 1 });
    // One check, failed: quality 0 / 1 = 0.
    expect(scoreAnswer(prompt, '2 plus 3 is 5')).toEqual({ exact: false, facets: null, withinLength: null, quality: 0 });
  });

  it('counts the share of facets present: strings ignoring case and spacing, regexes as written', () => {
    const prompt = ask({ facets: ['3', '4', '5', '6', '7', '8'] });
    // "3, 4, 5." has 3 of the 6 numbers: 3 / 6 = 0.5.
    expect(scoreAnswer(prompt, '3, 4, 5.')).toEqual({
      exact: null,
      facets: { found: 3, total: 6, missing: ['6', '7', '8'] },
      withinLength: null,
      quality: 0.5,
    });
    const mixed = ask({ facets: ['hello,   WORLD', { regex: '^print\\(', flags: 'm' }, { regex: 'Paris' }] });
    // "hello, world" found (spacing and case ignored), print( at a line start found (m flag),
    // "Paris" not found (a regex without the i flag is case-sensitive): 2 / 3.
    const score = scoreAnswer(mixed, 'Hello, world:\nprint("Hello, world!") in paris');
    expect(score.facets).toEqual({ found: 2, total: 3, missing: ['/Paris/'] });
    expect(score.quality).toBeCloseTo(2 / 3, 12);
  });

  it('measures length in characters of the trimmed answer, emoji as one', () => {
    expect(answerLength('  ab🙂 ')).toBe(3); // a, b, 🙂 (two UTF-16 units, one character)
    expect(answerLength('e\u0301👍🏽')).toBe(2); // e + combining accent, thumbs up + skin tone: two characters
    const prompt = ask({ length: { minChars: 3, maxChars: 5 } });
    expect(scoreAnswer(prompt, ' ab🙂 ').withinLength).toBe(true); // 3 is within 3..5
    expect(scoreAnswer(prompt, 'ab').withinLength).toBe(false); // 2 < 3
    expect(scoreAnswer(prompt, 'abcdef').withinLength).toBe(false); // 6 > 5
    expect(scoreAnswer(ask({ length: { maxChars: 5 } }), '').withinLength).toBe(true); // no lower bound: 0 <= 5
  });

  it('averages the checks that apply: exact and length as 1 or 0, facets as their share', () => {
    const prompt = ask({ reference: 'The capital of France is Paris.', facets: ['Paris', 'France', 'Seine'], length: { maxChars: 40 } });
    // exact: no (0); facets: Paris and France of 3 (2/3); length 24 <= 40 (1). Mean (0 + 2/3 + 1) / 3 = 5/9.
    const score = scoreAnswer(prompt, 'Paris, capital of France');
    expect(score.exact).toBe(false);
    expect(score.withinLength).toBe(true);
    expect(score.quality).toBeCloseTo(5 / 9, 12);
    // A prompt that expects nothing is not scored at all.
    expect(scoreAnswer(ask({}), 'anything').quality).toBeNull();
  });
});

describe('summarizeQuality', () => {
  const prompts: BenchPrompt[] = [
    ask({ id: 'count', facets: ['3', '4', '5', '6', '7', '8'] }),
    ask({ id: 'add', reference: '2 plus 3 is 5.', length: { maxChars: 20 } }),
    ask({ id: 'python', task: 'code', facets: ['print('] }),
    ask({ id: 'plain' }),
  ];

  it('averages the scored answers of measured, successful requests, per task when asked', () => {
    const samples = [
      sample({ promptId: 'count', output: '3, 4, 5.' }), // 0.5
      sample({ promptId: 'add', output: '2 plus 3 is 5.' }), // exact 1, length 14 <= 20: 1
      sample({ promptId: 'add', output: 'It is five, of course, my friend.' }), // exact 0, 33 > 20: 0
      sample({ promptId: 'python', output: 'print("hi")' }), // 1, task code
      sample({ promptId: 'plain', output: 'whatever' }), // not scored
      sample({ promptId: 'add', output: '2 plus 3 is 5.', warmup: true, round: 0 }), // warm-up: left out
      sample({ promptId: 'count', output: '', error: 'out of memory' }), // failed: left out
    ];
    const all = summarizeQuality(samples, prompts);
    // (0.5 + 1 + 0 + 1) / 4 = 0.625
    expect(all.score).toBe(0.625);
    expect(all.scored).toBe(4);
    expect(all.exact).toEqual({ hits: 1, of: 2 });
    expect(all.facets).toEqual({ found: 4, of: 7 }); // 3 of 6, then 1 of 1
    expect(all.length).toEqual({ within: 1, of: 2 });
    // Untagged prompts are chat prompts: (0.5 + 1 + 0) / 3 = 0.5.
    expect(summarizeQuality(samples, prompts, 'chat').score).toBe(0.5);
    expect(summarizeQuality(samples, prompts, 'code').score).toBe(1);
    expect(summarizeQuality(samples, prompts, 'reasoning')).toMatchObject({ score: null, scored: 0 });
  });

  it('scores each target of a run apart, and lists the tasks the scored prompts cover', () => {
    const r = run(
      [
        sample({ promptId: 'count', output: '3, 4, 5.' }), // 1m: 0.5
        sample({ modelId: 'pocket-chat-3m', promptId: 'count', output: '3, 4, 5, 6, 7, 8.' }), // 3m: 1
      ],
      { plan: { ...run([]).plan, prompts } },
    );
    const quality = qualityByTarget(r);
    expect(quality.get('pocket-chat-1m|wasm|q4')?.score).toBe(0.5);
    expect(quality.get('pocket-chat-3m|wasm|q4')?.score).toBe(1);
    expect(scoredTasks(prompts)).toEqual(['chat', 'code']);
    expect(formatScore(0.625)).toBe('63%'); // 62.5 rounds half up
    expect(formatScore(null)).toBe('–');
  });
});

describe('the built-in set', () => {
  /** The golden greedy answer (fp32) of each built-in prompt, as a measured sample of that model. */
  function goldenSamples(modelId: string) {
    const golden = readGolden(modelId);
    return builtinPromptSet().prompts.map((p) => {
      const c = golden.cases.find((x) => JSON.stringify(x.messages) === JSON.stringify(p.messages))!;
      return sample({ modelId, promptId: p.id, output: c.texts['fp32']! });
    });
  }

  it('passes the good golden answers and tells the models apart on counting', () => {
    const prompts = builtinPromptSet().prompts;
    // Pocket Chat 1M counts "3, 4, 5.": facets 3 of 6 (0.5), length 8 <= 200 (1): 0.75 for "count".
    // Its 7 chat prompts then average (6 × 1 + 0.75) / 7 = 6.75 / 7; its one code prompt scores 1.
    expect(summarizeQuality(goldenSamples('pocket-chat-1m'), prompts, 'chat').score).toBeCloseTo(6.75 / 7, 12);
    expect(summarizeQuality(goldenSamples('pocket-chat-1m'), prompts, 'code').score).toBe(1);
    // Pocket Chat 3M counts "3, 4, 5, 6, 7, 8.": every check of every prompt passes.
    expect(summarizeQuality(goldenSamples('pocket-chat-3m'), prompts).score).toBe(1);
  });
});

describe('parsePromptSet with expectations', () => {
  it('accepts a scored set and gives it back unchanged', () => {
    const set = {
      name: 'scored',
      prompts: [
        {
          id: 'add',
          task: 'chat',
          messages: [{ role: 'user', content: 'What is 2 plus 3?' }],
          reference: '2 plus 3 is 5.',
          facets: ['5', { regex: '\\bfive\\b', flags: 'i' }],
          length: { minChars: 1, maxChars: 80 },
        },
      ],
    };
    expect(parsePromptSet(JSON.stringify(set))).toEqual(set);
  });

  it('names the field and the prompt it is in, for each bad entry', () => {
    const good = { id: 'ok', messages: [{ role: 'user', content: 'hi' }] };
    const issues = issuesOf({
      name: 'bad',
      prompts: [
        good,
        { ...good, id: 'moon', facets: ['Earth', { regex: '(unclosed' }] },
        { ...good, id: 'count', length: { minChars: 10, maxChars: 5 } },
        { ...good, id: 'math', task: 'arithmetic' },
        { ...good, id: 'flags', facets: [{ regex: 'a', flags: 'g' }, ''] },
        { ...good, id: 'ref', reference: '' },
      ],
    });
    expect(issues).toEqual([
      expect.stringMatching(/^prompts\[1\]\.facets\[1\]\.regex: not a valid regular expression \(.*\) — in prompt "moon"$/),
      'prompts[2].length.maxChars: minChars must not be greater than maxChars — in prompt "count"',
      'prompts[3].task: must be one of chat, code, reasoning, tools, multilingual, summarize — in prompt "math"',
      'prompts[4].facets[0].flags: may hold only the flags i, m, s and u — in prompt "flags"',
      'prompts[4].facets[1]: must not be empty — in prompt "flags"',
      'prompts[5].reference: must not be empty (leave it out instead) — in prompt "ref"',
    ]);
  });

  it('names the field by position when the prompt has no id, and inside the exported envelope', () => {
    expect(issuesOf({ name: 'x', prompts: [{ messages: [{ role: 'user', content: 'hi' }], facets: 'Paris' }] })).toEqual([
      'prompts[0].id: Invalid input: expected string, received undefined',
      'prompts[0].facets: Invalid input: expected array, received string',
    ]);
    expect(
      issuesOf({
        format: 'webgpu-playground.prompt-set',
        promptSet: { name: 'x', prompts: [{ id: 'a', messages: [{ role: 'user', content: 'hi' }], facets: [7] }] },
      }),
    ).toEqual(['promptSet.prompts[0].facets[0]: must be a string or {"regex": "...", "flags": "i"} — in prompt "a"']);
  });
});
