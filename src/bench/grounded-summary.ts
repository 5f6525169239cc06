/**
 * What retrieval did for a target's grounded prompts, from the stored samples (so a saved or
 * imported run is summed up the same way again): whether the document holding the answer was
 * retrieved (hit@1, hit@3), whether the answer cited it, and the answer's score with the passages
 * against without them. Measured, successful requests only.
 */
import { scoreAnswer } from './scoring';
import { targetKey } from './summary';
import type { BenchPrompt, BenchRun, BenchSample } from './bench-types';

export interface Share {
  hits: number;
  of: number;
}

export interface GroundedSummary {
  modelId: BenchSample['modelId'];
  backend: BenchSample['backend'];
  dtype: BenchSample['dtype'];
  /** Answered grounded requests with passages (RAG on). */
  questions: number;
  /** The answering document among the first 1 / 3 retrieved passages, of RAG-on requests whose question has one. */
  hitAt1: Share;
  hitAt3: Share;
  /** RAG-on answers that cite the answering document, of those whose question has one. */
  citedRight: Share;
  /** Mean answer score (scoring.ts) with the passages and without them (the control); null when none was scored. */
  scoreOn: number | null;
  scoreOff: number | null;
  /** Mean retrieval time of the RAG-on requests; null when none was timed. */
  retrievalMs: number | null;
}

const share = (hits: number, of: number): Share => ({ hits, of });
const add = (s: Share, hit: boolean): Share => share(s.hits + (hit ? 1 : 0), s.of + 1);
const mean = (values: readonly number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/** The summary of one target's samples (all of the same target), or null when it answered no grounded prompt. */
export function summarizeGrounded(samples: readonly BenchSample[], prompts: readonly BenchPrompt[]): GroundedSummary | null {
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const first = samples[0];
  if (!first) return null;
  let out: Omit<GroundedSummary, 'scoreOn' | 'scoreOff' | 'retrievalMs'> = {
    modelId: first.modelId,
    backend: first.backend,
    dtype: first.dtype,
    questions: 0,
    hitAt1: share(0, 0),
    hitAt3: share(0, 0),
    citedRight: share(0, 0),
  };
  const scores: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const retrieval: number[] = [];
  for (const s of samples) {
    const prompt = byId.get(s.promptId);
    if (s.warmup || s.error !== null || !s.rag || !prompt?.grounded) continue;
    const quality = scoreAnswer(prompt, s.output).quality;
    if (quality !== null) scores[s.rag.on ? 'on' : 'off'].push(quality);
    if (!s.rag.on) continue;
    out = { ...out, questions: out.questions + 1 };
    if (s.rag.retrievalMs !== null) retrieval.push(s.rag.retrievalMs);
    const source = prompt.grounded.source;
    if (source === null) continue;
    out = {
      ...out,
      hitAt1: add(out.hitAt1, s.rag.retrieved.slice(0, 1).includes(source)),
      hitAt3: add(out.hitAt3, s.rag.retrieved.slice(0, 3).includes(source)),
      citedRight: add(out.citedRight, s.rag.cited.includes(source)),
    };
  }
  if (!out.questions && !scores.off.length) return null;
  return { ...out, scoreOn: mean(scores.on), scoreOff: mean(scores.off), retrievalMs: mean(retrieval) };
}

/** Per target (targetKey), for the targets that answered grounded prompts. */
export function groundedByTarget(run: Pick<BenchRun, 'samples' | 'plan'>): Map<string, GroundedSummary> {
  const groups = new Map<string, BenchSample[]>();
  for (const s of run.samples) if (s.rag) groups.set(targetKey(s), [...(groups.get(targetKey(s)) ?? []), s]);
  const out = new Map<string, GroundedSummary>();
  for (const [key, samples] of groups) {
    const summary = summarizeGrounded(samples, run.plan.prompts);
    if (summary) out.set(key, summary);
  }
  return out;
}

/** "3/4" */
export function formatShare(s: Share): string {
  return s.of ? `${s.hits}/${s.of}` : '–';
}
