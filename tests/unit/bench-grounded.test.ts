/**
 * Grounded prompts in the benchmark: the set's rules (named fields), the plan's RAG on / off
 * pairs, the runner's retrieval bookkeeping with a scripted engine and retriever (the real ones run
 * in tests/e2e/bench-grounded.test.ts), the summary's arithmetic and the CSV round trip.
 */
import { describe, expect, it } from 'vitest';
import { runBenchmark, type GroundPrompt, type LoadedTarget } from '../../src/bench/bench-runner';
import type { BenchPlan, BenchPrompt, BenchSample, BenchTarget } from '../../src/bench/bench-types';
import { groundedMarkdown } from '../../src/bench/grounded-markdown';
import { groundedPromptSet } from '../../src/bench/grounded-set';
import { summarizeGrounded } from '../../src/bench/grounded-summary';
import { planRequests } from '../../src/bench/plan';
import { parsePromptSet } from '../../src/bench/prompts';
import { summarizeQuality } from '../../src/bench/quality';
import { parseSamplesCsv, samplesToCsv } from '../../src/bench/report';
import { facetFound } from '../../src/bench/scoring';
import type { ChatEngine, ChatMessage, GenerationEvent } from '../../src/engine/engine-types';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { BenchValidationError } from '../../src/bench/bench-types';
import { sample as fixtureSample } from './bench-fixtures';

const environment = {
  userAgent: 'test',
  adapter: null,
  hardwareConcurrency: 2,
  wasmThreads: 1,
  crossOriginIsolated: false,
  appVersion: '0',
};
const TARGET: BenchTarget = { modelId: 'pocket-chat-1m', backend: 'wasm' };

const documents = [
  { name: 'a.md', text: 'Alpha is first.' },
  { name: 'b.md', text: 'Beta is second.' },
];
const ask = (id: string, content: string, source: string | null, facets: BenchPrompt['facets']): BenchPrompt => ({
  id,
  messages: [{ role: 'user', content }],
  grounded: { source },
  ...(facets ? { facets } : {}),
});

function issues(set: unknown): string[] {
  try {
    parsePromptSet(set);
    return [];
  } catch (error) {
    return error instanceof BenchValidationError ? [...error.issues] : [String(error)];
  }
}

describe('a grounded prompt set', () => {
  it('round-trips with its documents', () => {
    const set = { name: 'g', documents, prompts: [ask('alpha', 'What is Alpha?', 'a.md', ['first'])] };
    expect(parsePromptSet(JSON.stringify(set))).toEqual(set);
  });

  it('names what is wrong: no documents, an unknown source, a repeated document name, an empty text', () => {
    expect(issues({ name: 'g', prompts: [ask('alpha', 'Q?', 'a.md', undefined)] })).toEqual([
      'prompts[0].grounded: a grounded prompt needs the set to have documents — in prompt "alpha"',
    ]);
    expect(issues({ name: 'g', documents, prompts: [ask('alpha', 'Q?', 'c.md', undefined)] })).toEqual([
      'prompts[0].grounded.source: "c.md" is not one of the set\'s documents — in prompt "alpha"',
    ]);
    expect(
      issues({ name: 'g', documents: [...documents, { name: 'a.md', text: 'again' }], prompts: [ask('x', 'Q?', null, undefined)] }),
    ).toEqual(['documents[2].name: duplicate document name "a.md"']);
    expect(issues({ name: 'g', documents: [{ name: 'a.md', text: '  ' }], prompts: [ask('x', 'Q?', null, undefined)] })).toEqual([
      'documents[0].text: must not be empty',
    ]);
  });

  it('the built-in set is valid, and each answerable question’s facets are in its own document and in no other', () => {
    const set = parsePromptSet(JSON.stringify(groundedPromptSet()));
    const byName = new Map(set.documents.map((d) => [d.name, d.text]));
    for (const p of set.prompts.filter((q) => q.grounded?.source)) {
      for (const facet of p.facets ?? []) {
        expect(facetFound(facet, byName.get(p.grounded!.source!)!), `${p.id} in its document`).toBe(true);
        for (const other of set.documents.filter((d) => d.name !== p.grounded!.source))
          expect(facetFound(facet, other.text), `${p.id} in ${other.name}`).toBe(false);
      }
    }
    // The questions no document answers: their facet (a declining answer) is in no document.
    for (const p of set.prompts.filter((q) => q.grounded && q.grounded.source === null))
      for (const d of set.documents) expect(facetFound(p.facets![0]!, d.text)).toBe(false);
  });
});

const plan = (prompts: BenchPrompt[]): BenchPlan => ({
  targets: [TARGET],
  promptSetName: 'g',
  prompts,
  documents,
  rounds: 1,
  warmupRounds: 0,
  maxNewTokens: 8,
  temperature: 0,
});

describe('planRequests', () => {
  it('asks a grounded prompt with passages, then without, back to back; other prompts once', () => {
    const plain: BenchPrompt = { id: 'plain', messages: [{ role: 'user', content: 'Hi' }] };
    const requests = planRequests({ ...plan([ask('alpha', 'Q?', 'a.md', undefined), plain]), rounds: 2 });
    expect(requests.map((r) => [r.prompt.id, r.round, r.rag])).toEqual([
      ['alpha', 0, true],
      ['alpha', 0, false],
      ['plain', 0, null],
      ['alpha', 1, true],
      ['alpha', 1, false],
      ['plain', 1, null],
    ]);
  });
});

/** Answers each request with the text `answer(messages)`. */
function engine(answer: (messages: readonly ChatMessage[]) => string): ChatEngine {
  return {
    kind: 'browser',
    async *chat(messages: readonly ChatMessage[]): AsyncIterable<GenerationEvent> {
      await Promise.resolve();
      yield { type: 'start', promptTokens: 5, maxNewTokens: 8 };
      yield { type: 'token', text: answer(messages), at: 1050 };
      yield {
        type: 'end',
        reason: 'eos',
        trace: { requestAt: 1000, prefillStartAt: 1000, tokenTimes: [1050], endAt: 1100, promptTokens: 5 },
      };
    },
  };
}

function loaded(chat: ChatEngine): LoadedTarget {
  return {
    engine: chat,
    loaded: { modelId: TARGET.modelId, backend: 'wasm', dtype: 'q8', detail: 'WASM', contextLength: 512, loadMs: 1 },
    files: [],
    notice: null,
  };
}

describe('runBenchmark with grounded prompts', () => {
  it('sends the grounded messages, records what was retrieved and maps the answer’s marks to documents', async () => {
    const sent: string[] = [];
    const ground: GroundPrompt = (_target, prompt, docs) =>
      Promise.resolve({
        messages: [{ role: 'user', content: `context for ${prompt.id} from ${docs.length} documents` }],
        passages: ['b.md', 'a.md'],
        leftOut: ['c.md'],
        retrievalMs: 7,
      });
    const run = await runBenchmark(plan([ask('alpha', 'What is Alpha?', 'a.md', ['first'])]), {
      load: () =>
        Promise.resolve(
          loaded(
            engine((m) => {
              const text = m[m.length - 1]!.content;
              sent.push(text);
              // Cites passage 2 (a.md), a number no passage has, and passage 2 again.
              return text.startsWith('context') ? 'Alpha is first [2] [9] [2].' : 'I do not know.';
            }),
          ),
        ),
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: new AbortController().signal,
      ground,
    });
    expect(sent).toEqual(['context for alpha from 2 documents', 'What is Alpha?']);
    expect(run.samples.map((s) => s.rag)).toEqual([
      { on: true, retrieved: ['b.md', 'a.md', 'c.md'], cited: ['a.md'], retrievalMs: 7 },
      { on: false, retrieved: [], cited: [], retrievalMs: null },
    ]);
    const g = summarizeGrounded(run.samples, run.plan.prompts)!;
    expect(g).toMatchObject({
      hitAt1: { hits: 0, of: 1 },
      hitAt3: { hits: 1, of: 1 },
      citedRight: { hits: 1, of: 1 },
      scoreOn: 1,
      scoreOff: 0,
    });
  });

  it('fails the target with the reason when retrieval fails or is not there, like any failed request', async () => {
    const answer = engine(() => 'Alpha is first.');
    for (const ground of [() => Promise.reject(new Error('the embedding model could not load')), undefined]) {
      const run = await runBenchmark(plan([ask('alpha', 'Q?', 'a.md', ['first'])]), {
        load: () => Promise.resolve(loaded(answer)),
        environment,
        baseParams: DEFAULT_PARAMS,
        signal: new AbortController().signal,
        ...(ground ? { ground } : {}),
      });
      const reason = ground ? 'the embedding model could not load' : 'this benchmark cannot retrieve passages (no retrieval service)';
      expect(run.samples.map((s) => [s.rag?.on, s.error])).toEqual([[true, reason]]);
      expect(run.targets.map((t) => [t.status, t.message])).toEqual([['failed', reason]]);
    }
  });

  it('calls cleanUp once the run is over', async () => {
    let cleaned = 0;
    await runBenchmark(plan([ask('alpha', 'Q?', 'a.md', undefined)]), {
      load: () => Promise.resolve(loaded(engine(() => 'x'))),
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: new AbortController().signal,
      ground: () => Promise.resolve({ messages: [{ role: 'user', content: 'c' }], passages: ['a.md'], leftOut: [], retrievalMs: 1 }),
      cleanUp: () => {
        cleaned++;
        return Promise.resolve();
      },
    });
    expect(cleaned).toBe(1);
  });
});

function sample(promptId: string, output: string, rag: BenchSample['rag'], extra: Partial<BenchSample> = {}): BenchSample {
  return fixtureSample({ modelId: 'm', dtype: 'q8', promptId, output, ...(rag ? { rag } : {}), ...extra });
}

describe('summarizeGrounded', () => {
  const prompts = [ask('alpha', 'Q?', 'a.md', ['first']), ask('none', 'Q?', null, ['does not say'])];
  const on = (retrieved: string[], cited: string[], ms: number) => ({ on: true, retrieved, cited, retrievalMs: ms });
  const off = { on: false, retrieved: [], cited: [], retrievalMs: null };

  it('counts hits and citations over answerable questions, scores on and off apart, and leaves out warm-up and failures', () => {
    const samples = [
      sample('alpha', 'Alpha is first [1].', on(['a.md', 'b.md'], ['a.md'], 10)),
      sample('alpha', 'No idea.', off),
      sample('alpha', 'Beta [1].', on(['b.md', 'c.md', 'd.md', 'a.md'], ['b.md'], 20)),
      sample('alpha', 'Alpha is first.', off),
      sample('none', 'The context does not say.', on(['b.md'], [], 30)),
      sample('none', 'Mars.', off),
      sample('alpha', 'first', on(['a.md'], ['a.md'], 999), { warmup: true }),
      sample('alpha', '', on(['a.md'], ['a.md'], 999), { error: 'boom' }),
    ];
    expect(summarizeGrounded(samples, prompts)).toEqual({
      modelId: 'm',
      backend: 'wasm',
      dtype: 'q8',
      questions: 3,
      hitAt1: { hits: 1, of: 2 },
      hitAt3: { hits: 1, of: 2 },
      citedRight: { hits: 1, of: 2 },
      scoreOn: 2 / 3,
      scoreOff: 1 / 3,
      retrievalMs: 20,
    });
    // The model's quality counts how it answers with the passages, as the chat asks: not the control.
    expect(summarizeQuality(samples, prompts).scored).toBe(3);
  });

  it('is null for a target without grounded answers, and the report then has no grounded section', () => {
    const plain = [sample('alpha', 'x', undefined)];
    expect(summarizeGrounded(plain, prompts)).toBeNull();
    expect(groundedMarkdown({ samples: plain, plan: plan(prompts) })).toEqual([]);
  });

  it('reports a row per target in Markdown', () => {
    const lines = groundedMarkdown({ samples: [sample('alpha', 'Alpha is first [1].', on(['a.md'], ['a.md'], 12))], plan: plan(prompts) });
    expect(lines).toContain('|m · WASM q8|1/1|1/1|1/1|100%|–|12 ms|');
  });
});

describe('CSV', () => {
  it('round-trips retrieval, with document names that hold commas, quotes and bars', () => {
    const rag = { on: true, retrieved: ['a, "b" | c.md', 'd.md'], cited: ['d.md'], retrievalMs: 3.25 };
    const samples = [
      sample('alpha', 'x', rag),
      sample('alpha', 'y', { on: false, retrieved: [], cited: [], retrievalMs: null }),
      sample('p', 'z', undefined),
    ];
    expect(parseSamplesCsv(samplesToCsv(samples))).toEqual(samples);
  });

  it('reads a CSV written before the rag column existed', () => {
    const csv = samplesToCsv([sample('p', 'z', undefined)]);
    const [header, row] = csv.trimEnd().split('\n');
    const drop = (line: string): string => line.split(',').slice(0, -1).join(',');
    expect(parseSamplesCsv(`${drop(header!)}\n${drop(row!)}\n`)).toEqual([sample('p', 'z', undefined)]);
  });

  it('names the column of a bad rag cell', () => {
    const csv = samplesToCsv([sample('p', 'z', { on: true, retrieved: [], cited: [], retrievalMs: 1 })]).replace(
      '"{""on"":true',
      '"{""on"":""yes""',
    );
    expect(() => parseSamplesCsv(csv)).toThrow(/row 1, rag\.on/);
  });
});
