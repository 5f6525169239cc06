/**
 * Grading a run's answers with a judge model: for each distinct answer (rubric-answers.ts), the
 * judge's prompt is filled and sent to the judge's engine, deterministically (temperature 0,
 * seed 0, no cache carried between answers), and its reply is read into grades (judge-reply.ts).
 * Answers graded by hand are the user's call and are skipped. A failed request leaves its answer
 * unscored with the reason; Stop ends the grading, keeping every grade given so far.
 */
import type { ChatEngine, GenerationParams } from '../engine/engine-types';
import { errorMessage } from '../errors/error-message';
import type { BenchRun } from './bench-types';
import { judgeMessages } from './judge-prompt';
import { parseJudgeReply } from './judge-reply';
import { gradedAnswers, withRubric, type GradedAnswer } from './rubric-answers';
import type { Rubric } from './rubric-types';
import { readAnswer } from './sample';

/** Enough for three labelled grades with a little chatter; a judge that writes an essay is cut short. */
export const JUDGE_MAX_NEW_TOKENS = 48;

export interface JudgeProgress {
  done: number;
  total: number;
}

export interface JudgeDeps {
  engine: ChatEngine;
  /** The judge's model id, as the rubric names it. */
  judgeId: string;
  template: string;
  /** Sampling settings besides temperature, seed and the token budget, which the judge fixes. */
  baseParams: GenerationParams;
  maxNewTokens?: number;
  signal: AbortSignal;
  onProgress?: (progress: JudgeProgress) => void;
  /** Called with the run after every graded answer, so a UI can show grades as they come. */
  onAnswer?: (run: BenchRun) => void;
}

/** The answers a judge grades: those not graded by hand. */
export function answersToJudge(run: BenchRun): GradedAnswer[] {
  return gradedAnswers(run).filter((a) => a.rubric?.by !== 'hand');
}

/** The run with every answer not graded by hand graded by the judge, or unscored with the reason. */
export async function judgeRun(run: BenchRun, deps: JudgeDeps): Promise<BenchRun> {
  const answers = answersToJudge(run);
  const params: GenerationParams = {
    ...deps.baseParams,
    temperature: 0,
    seed: 0,
    maxNewTokens: deps.maxNewTokens ?? JUDGE_MAX_NEW_TOKENS,
    reuseCache: false,
  };
  let current = run;
  let done = 0;
  // A function, not the property: the signal flips during awaits, which narrowing cannot see.
  const aborted = (): boolean => deps.signal.aborted;
  deps.onProgress?.({ done, total: answers.length });
  for (const answer of answers) {
    if (aborted()) break;
    let rubric: Rubric;
    try {
      const reply = await readAnswer(
        deps.engine.chat(judgeMessages(deps.template, answer.prompt, answer.sample.output), params, deps.signal),
      );
      if (reply.stopReason === 'aborted') break;
      const verdict = parseJudgeReply(reply.output);
      rubric = { ...verdict.grades, by: 'judge', judge: deps.judgeId, reply: reply.output, problem: verdict.problem };
    } catch (error) {
      if (aborted()) break;
      const why = errorMessage(error) || 'unknown error';
      rubric = {
        coherence: null,
        factuality: null,
        concision: null,
        by: 'judge',
        judge: deps.judgeId,
        reply: null,
        problem: `the judge's request failed: ${why}`,
      };
    }
    current = withRubric(current, answer.key, rubric);
    done++;
    deps.onProgress?.({ done, total: answers.length });
    deps.onAnswer?.(current);
  }
  return current;
}
