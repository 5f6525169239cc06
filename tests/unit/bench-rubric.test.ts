/**
 * The rubric of a run: grouping answers, grades by hand, the means per target, the judge's loop
 * (with a scripted engine: the real engines run in tests/e2e/rubric.test.ts), the columns of every
 * export, and runs saved before rubrics existed.
 */
import { describe, expect, it } from 'vitest';
import { benchRunSchema, type BenchRun, type BenchSample } from '../../src/bench/bench-types';
import type { ChatEngine, ChatMessage, GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { parseCsvText } from '../../src/bench/csv';
import { judgeMessages, checkTemplate, DEFAULT_JUDGE_TEMPLATE } from '../../src/bench/judge-prompt';
import { judgeRun } from '../../src/bench/judge-runner';
import { runToMarkdown } from '../../src/bench/markdown';
import { parseRunJson, parseSamplesCsv, runToJson, samplesToCsv } from '../../src/bench/report';
import { gradedAnswers } from '../../src/bench/rubric-answers';
import { gradeByHand } from '../../src/bench/rubric-hand';
import { summarizeRubric } from '../../src/bench/rubric-summary';
import type { Rubric } from '../../src/bench/rubric-types';
import { buildSelection } from '../../src/bench/selection';
import { qualityScatter } from '../../src/bench/selection-chart';
import { selectionToCsv } from '../../src/bench/selection-csv';
import { selectionToMarkdown } from '../../src/bench/selection-markdown';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { run, sample } from './bench-fixtures';

const judged = (c: number | null, f: number | null, k: number | null, problem: string | null = null): Rubric => ({
  coherence: c,
  factuality: f,
  concision: k,
  by: 'judge',
  judge: 'pocket-chat-3m',
  reply: problem ? 'gibberish' : `Coherence: ${c}`,
  problem,
});

/** Two rounds of the same answer, a warm-up, a failed request, and a different answer to another prompt. */
function sampleRun(): BenchRun {
  const r = run([
    sample({ round: 0, warmup: true }),
    sample({ round: 1 }),
    sample({ round: 2 }),
    sample({ round: 3, error: 'boom', output: '' }),
    sample({ promptId: 'capital', output: 'Paris.', round: 1 }),
  ]);
  return {
    ...r,
    plan: {
      ...r.plan,
      prompts: [...r.plan.prompts, { id: 'capital', messages: [{ role: 'user', content: 'Capital of France?' }], reference: 'Paris.' }],
    },
  };
}

describe('gradedAnswers and gradeByHand', () => {
  it('groups the measured, successful samples by target, prompt and text', () => {
    const answers = gradedAnswers(sampleRun());
    expect(answers.map((a) => [a.prompt.id, a.indexes])).toEqual([
      ['add', [1, 2]],
      ['capital', [4]],
    ]);
  });

  it('grades every sample of an answer by hand, keeps the other criteria shown, and clears to no rubric', () => {
    let r = sampleRun();
    const [add] = gradedAnswers(r);
    r = { ...r, samples: r.samples.map((s, i) => (add!.indexes.includes(i) ? { ...s, rubric: judged(3, 4, 5) } : s)) };
    r = gradeByHand(r, add!.key, 'coherence', 1);
    const hand: Rubric = { coherence: 1, factuality: 4, concision: 5, by: 'hand', judge: null, reply: null, problem: null };
    expect(r.samples.map((s) => s.rubric)).toEqual([undefined, hand, hand, undefined, undefined]);
    for (const c of ['coherence', 'factuality', 'concision'] as const) r = gradeByHand(r, add!.key, c, null);
    expect(r.samples.every((s) => s.rubric === undefined)).toBe(true);
    expect(() => gradeByHand(r, 'no such answer', 'coherence', 3)).toThrow(/not in this run/);
  });
});

describe('summarizeRubric', () => {
  it('averages each criterion over graded samples, counts the unscored, and names who graded', () => {
    const samples: BenchSample[] = [
      sample({ rubric: judged(4, 5, 3) }),
      sample({ rubric: judged(2, 3, 1) }),
      sample({ rubric: judged(null, null, null, 'no grades found') }),
      sample({ rubric: { ...judged(5, null, null), by: 'hand', judge: null, reply: null } }),
      sample({ warmup: true, rubric: judged(1, 1, 1) }),
    ];
    // Coherence (4 + 2 + 5) / 3; factuality (5 + 3) / 2; concision (3 + 1) / 2; score ((11/3 + 4 + 2) / 3 - 1) / 4.
    const s = summarizeRubric(samples);
    expect(s.means.coherence).toBeCloseTo(11 / 3, 12);
    expect([s.means.factuality, s.means.concision]).toEqual([4, 2]);
    expect(s.score).toBeCloseTo(((11 / 3 + 4 + 2) / 3 - 1) / 4, 12);
    expect([s.graded, s.unscored, s.by]).toEqual([2, 1, ['pocket-chat-3m', 'hand']]);
    expect(summarizeRubric([sample()]).score).toBeNull();
  });
});

/** A judge that replies, per call, the next of `replies` (a string, or an Error to throw). */
function scriptedJudge(replies: (string | Error)[], seen: { messages: readonly ChatMessage[]; params: GenerationParams }[]): ChatEngine {
  return {
    kind: 'browser',
    async *chat(messages, params): AsyncIterable<GenerationEvent> {
      seen.push({ messages, params });
      const next = replies.shift();
      await Promise.resolve();
      if (next instanceof Error) throw next;
      yield { type: 'start', promptTokens: 5, maxNewTokens: params.maxNewTokens };
      yield { type: 'token', text: next ?? '', at: 1 };
      yield { type: 'end', reason: 'eos', trace: { requestAt: 0, prefillStartAt: 0, tokenTimes: [1], endAt: 2, promptTokens: 5 } };
    },
  };
}

describe('judgeRun', () => {
  it('asks once per distinct answer, greedily, and stores the grades or the reply and why it gave none', async () => {
    const seen: { messages: readonly ChatMessage[]; params: GenerationParams }[] = [];
    const engine = scriptedJudge(['Coherence: 4\nFactuality: 5\nConcision: 3', 'I cannot grade that.'], seen);
    const out = await judgeRun(sampleRun(), {
      engine,
      judgeId: 'pocket-chat-3m',
      template: DEFAULT_JUDGE_TEMPLATE,
      baseParams: { ...DEFAULT_PARAMS, temperature: 0.8, seed: null },
      signal: new AbortController().signal,
    });
    expect(seen).toHaveLength(2);
    expect(seen.every((s) => s.params.temperature === 0 && s.params.seed === 0 && s.params.reuseCache === false)).toBe(true);
    expect(seen[1]!.messages[0]!.content).toContain('Capital of France?');
    expect(seen[1]!.messages[0]!.content).toContain('Reference answer:\nParis.\n');
    expect(out.samples[1]!.rubric).toEqual({ ...judged(4, 5, 3), reply: 'Coherence: 4\nFactuality: 5\nConcision: 3' });
    expect(out.samples[2]!.rubric).toEqual(out.samples[1]!.rubric);
    expect(out.samples[4]!.rubric).toMatchObject({ coherence: null, reply: 'I cannot grade that.' });
    expect(out.samples[4]!.rubric?.problem).toMatch(/no grades/);
    expect(out.samples[0]!.rubric).toBeUndefined();
  });

  it('keeps hand grades, records a failed request as unscored, and stops when aborted', async () => {
    let r = sampleRun();
    r = gradeByHand(r, gradedAnswers(r)[0]!.key, 'concision', 2);
    const seen: { messages: readonly ChatMessage[]; params: GenerationParams }[] = [];
    const deps = { judgeId: 'j', template: '{{answer}}', baseParams: DEFAULT_PARAMS, signal: new AbortController().signal };
    const out = await judgeRun(r, { ...deps, engine: scriptedJudge([new Error('context too long')], seen) });
    expect(seen.map((s) => s.messages[0]!.content)).toEqual(['Paris.']);
    expect(out.samples[1]!.rubric?.by).toBe('hand');
    expect(out.samples[4]!.rubric).toMatchObject({ reply: null, problem: "the judge's request failed: context too long" });
    const abort = new AbortController();
    abort.abort();
    const none = await judgeRun(sampleRun(), { ...deps, signal: abort.signal, engine: scriptedJudge([], []) });
    expect(none.samples.some((s) => s.rubric)).toBe(false);
  });

  it('inserts a question or an answer holding a placeholder as written', () => {
    const prompt = { id: 'p', messages: [{ role: 'user' as const, content: 'say {{answer}}' }] };
    expect(judgeMessages('Q={{question}} R={{reference}} A={{answer}}', prompt, '{{question}}')[0]!.content).toBe(
      'Q=say {{answer}} R=(none given) A={{question}}',
    );
    expect(() => checkTemplate('Grade {{question}}')).toThrow(/must contain \{\{answer\}\}/);
  });
});

describe('exports and stored runs', () => {
  const graded = (): BenchRun => {
    const r = sampleRun();
    return {
      ...r,
      samples: r.samples.map((s, i) =>
        i === 1 || i === 2
          ? { ...s, rubric: judged(4, 5, 3) }
          : i === 4
            ? { ...s, rubric: judged(null, null, null, 'no "grades", found') }
            : s,
      ),
    };
  };

  it('parses a run saved before rubrics existed, and round-trips rubrics through JSON and CSV', () => {
    const old = JSON.parse(JSON.stringify(sampleRun())) as BenchRun;
    expect(benchRunSchema.parse(old).samples.every((s) => s.rubric === undefined)).toBe(true);
    const r = graded();
    expect(parseRunJson(runToJson(r))).toEqual(r);
    expect(parseSamplesCsv(samplesToCsv(r.samples))).toEqual(r.samples);
    // A CSV written before the rubric columns existed still imports.
    const [header, ...rows] = parseCsvText(samplesToCsv(sampleRun().samples));
    const keep = header!.map((h, i) => [h, i] as const).filter(([h]) => !h.startsWith('rubric_'));
    const oldCsv = [keep.map(([h]) => h), ...rows.map((row) => keep.map(([, i]) => row[i]!))].map((row) => row.join(',')).join('\n');
    expect(parseSamplesCsv(oldCsv)).toEqual(sampleRun().samples);
  });

  it('names the column of a bad rubric cell in a CSV import', () => {
    const csv = samplesToCsv(graded().samples).replace(',4,5,3,judge,', ',9,5,3,judge,');
    expect(() => parseSamplesCsv(csv)).toThrow(/row 2, rubric_coherence: must be 1 to 5/);
  });

  it('adds a rubric table to the run Markdown only when answers are graded', () => {
    expect(runToMarkdown(sampleRun())).not.toContain('Rubric');
    const md = runToMarkdown(graded());
    // Three graded samples of which two have grades: means 4, 5, 3; score ((4 + 5 + 3) / 3 - 1) / 4 = 75%.
    expect(md).toContain('|Target|Coherence|Factuality|Concision|Rubric score|Graded|Unscored|Graded by|');
    expect(md).toContain('|pocket-chat-1m · WASM q4|4.0|5.0|3.0|75%|2|1|judge pocket-chat-3m|');
  });

  it('gives the selection report rubric columns in Markdown and CSV, and the scatter a rubric point', () => {
    const r = graded();
    const report = buildSelection(r, [], { prices: [], deviceWatts: null });
    const [header, row] = parseCsvText(selectionToCsv(report));
    const record = Object.fromEntries(header!.map((h, i) => [h, row![i]]));
    expect(record).toMatchObject({
      rubric_coherence_mean: '4',
      rubric_factuality_mean: '5',
      rubric_concision_mean: '3',
      rubric_score: '0.75',
      rubric_graded: '2',
      rubric_unscored: '1',
      rubric_by: 'pocket-chat-3m',
    });
    const md = selectionToMarkdown(r, report);
    expect(md).toMatch(/\|Model\|Backend\|Quality\|Coherence\|Factuality\|Concision\|Rubric\|Graded by\|Latency mean\|/);
    expect(md).toMatch(/\|pocket-chat-1m\|wasm · q4\|100%\|4\.0\|5\.0\|3\.0\|75%\|judge pocket-chat-3m\|/);
    expect(md).toContain('Rubric: each answer graded 1–5');
    expect(selectionToMarkdown(sampleRun(), buildSelection(sampleRun(), [], { prices: [], deviceWatts: null }))).not.toContain('Coherence');
    // Mean answer time of the measured, successful samples: 300 ms; quality 100% (the capital is exact), rubric 75%.
    expect(qualityScatter(report)).toEqual({
      points: [{ label: 'pocket-chat-1m · WASM q4', x: 300, y: 100 }],
      rubricPoints: [{ label: 'pocket-chat-1m · WASM q4', x: 300, y: 75 }],
      unplotted: [],
    });
  });
});
