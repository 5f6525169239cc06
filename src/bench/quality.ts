/**
 * Quality of a target over a run: the scores of its measured, successful answers to scored
 * prompts (scoring.ts), overall and per task. Scores are derived from what the run stores (the
 * prompts with their expectations and every answer's text), so a saved or imported run is scored
 * the same way again and no score can drift from the answer it describes.
 */
import type { Task } from '../catalog/schema';
import { isScored, scoreAnswer } from './scoring';
import { targetKey } from './summary';
import type { BenchPrompt, BenchRun, BenchSample } from './bench-types';

/** A prompt without a task tag is a chat prompt: every catalog model that talks has that tag. */
export const DEFAULT_TASK: Task = 'chat';

export function promptTask(prompt: BenchPrompt): Task {
  return prompt.task ?? DEFAULT_TASK;
}

/** The scores of a target's answers, summed up. */
export interface QualitySummary {
  /** Mean quality of the scored answers, 0 to 1; null when none was scored. */
  score: number | null;
  /** Answers scored (measured, successful, to a prompt that expects something). */
  scored: number;
  /** Answers equal to their reference, of the answers that had one. */
  exact: { hits: number; of: number };
  /** Facets found, of all facets asked for over the scored answers. */
  facets: { found: number; of: number };
  /** Answers within their length limits, of the answers that had limits. */
  length: { within: number; of: number };
}

/** The summary of no scored answer. */
export const NO_QUALITY: QualitySummary = Object.freeze({
  score: null,
  scored: 0,
  exact: { hits: 0, of: 0 },
  facets: { found: 0, of: 0 },
  length: { within: 0, of: 0 },
});

/** Scores of these samples' answers; only `task`'s prompts when a task is given. */
export function summarizeQuality(samples: readonly BenchSample[], prompts: readonly BenchPrompt[], task?: Task): QualitySummary {
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const out: QualitySummary = {
    score: null,
    scored: 0,
    exact: { hits: 0, of: 0 },
    facets: { found: 0, of: 0 },
    length: { within: 0, of: 0 },
  };
  let sum = 0;
  for (const s of samples) {
    const prompt = byId.get(s.promptId);
    if (s.warmup || s.error !== null || !prompt || !isScored(prompt)) continue;
    if (task !== undefined && promptTask(prompt) !== task) continue;
    const score = scoreAnswer(prompt, s.output);
    if (score.quality === null) continue;
    out.scored++;
    sum += score.quality;
    if (score.exact !== null) out.exact = { hits: out.exact.hits + (score.exact ? 1 : 0), of: out.exact.of + 1 };
    if (score.facets) out.facets = { found: out.facets.found + score.facets.found, of: out.facets.of + score.facets.total };
    if (score.withinLength !== null) out.length = { within: out.length.within + (score.withinLength ? 1 : 0), of: out.length.of + 1 };
  }
  out.score = out.scored ? sum / out.scored : null;
  return out;
}

/** Quality per target (targetKey), over `task`'s prompts when a task is given. */
export function qualityByTarget(run: Pick<BenchRun, 'samples' | 'plan'>, task?: Task): Map<string, QualitySummary> {
  const groups = new Map<string, BenchSample[]>();
  for (const s of run.samples) groups.set(targetKey(s), [...(groups.get(targetKey(s)) ?? []), s]);
  return new Map([...groups].map(([key, samples]) => [key, summarizeQuality(samples, run.plan.prompts, task)]));
}

/** The tasks a run's scored prompts cover, in the order they first appear; empty when none is scored. */
export function scoredTasks(prompts: readonly BenchPrompt[]): Task[] {
  return [...new Set(prompts.filter(isScored).map(promptTask))];
}

/** "83%" of a 0-1 score, or "–" when there is none. */
export function formatScore(score: number | null): string {
  return score === null ? '–' : `${Math.round(score * 100)}%`;
}
