/**
 * The answers of a run a rubric grades: each measured, successful answer to a prompt, as the
 * chat would ask it (a grounded prompt's control, asked without its passages, is left out as in
 * quality.ts). Rounds of greedy decoding repeat the same text, so answers are grouped by target,
 * prompt and text: one grade, by hand or by the judge, applies to every sample of its group, and
 * per-target means still count each sample, like the automatic scores do.
 */
import type { BenchPrompt, BenchRun, BenchSample } from './bench-types';
import type { Rubric } from './rubric-types';
import { targetKey } from './summary';

/** One distinct answer of a target to a prompt, and the samples that gave it. */
export interface GradedAnswer {
  /** Stable within a run: target, prompt and text. */
  key: string;
  targetKey: string;
  sample: BenchSample;
  prompt: BenchPrompt;
  /** Indexes into `run.samples` of every sample with this answer. */
  indexes: number[];
  /** The rubric of the first sample (all of a group carry the same one). */
  rubric: Rubric | null;
}

/** Whether a sample is an answer a rubric grades. */
export function isGradable(s: BenchSample): boolean {
  return !s.warmup && s.error === null && !(s.rag && !s.rag.on);
}

export function answerKey(s: BenchSample): string {
  return JSON.stringify([targetKey(s), s.promptId, s.output]);
}

/** The run's distinct gradable answers, in the order of their first sample. */
export function gradedAnswers(run: Pick<BenchRun, 'samples' | 'plan'>): GradedAnswer[] {
  const prompts = new Map(run.plan.prompts.map((p) => [p.id, p]));
  const groups = new Map<string, GradedAnswer>();
  run.samples.forEach((s, i) => {
    const prompt = prompts.get(s.promptId);
    if (!prompt || !isGradable(s)) return;
    const key = answerKey(s);
    const group = groups.get(key);
    if (group) group.indexes.push(i);
    else groups.set(key, { key, targetKey: targetKey(s), sample: s, prompt, indexes: [i], rubric: s.rubric ?? null });
  });
  return [...groups.values()];
}

/** The run with `rubric` on every sample of the answer `key` (null removes it); other samples are untouched. */
export function withRubric<R extends Pick<BenchRun, 'samples'>>(run: R, key: string, rubric: Rubric | null): R {
  const samples = run.samples.map((s) => {
    if (!isGradable(s) || answerKey(s) !== key) return s;
    if (rubric) return { ...s, rubric };
    const { rubric: _dropped, ...rest } = s;
    return rest;
  });
  return { ...run, samples };
}
