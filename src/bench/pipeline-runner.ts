/**
 * Draft -> refine as a benchmark target. It runs after the plan's targets, with the one engine the
 * benchmark has: the drafts are the draft target's own measured answers (so "draft alone" and the
 * pipeline's first stage are the same requests), the rule decides on each as the Compare tab does,
 * and then the refine target loads once and refines those the rule escalated. The combined time
 * of a prompt is its draft's time plus, when it escalated, its refine request's.
 *
 * Grounded (RAG) requests are not piped: the refine prompt carries the question and the draft,
 * not the passages.
 */
import { decideEscalation } from '../compare/escalation';
import { refineMessages } from '../compare/refine-prompt';
import type { ChatEngine, GenerationParams, LoadedModel } from '../engine/engine-types';
import { errorMessage } from '../errors/error-message';
import type { BenchPipeline, BenchPlan, BenchSample, BenchTarget, PipelineResult, PipelineStep } from './bench-types';
import { readAnswer, sampleFromAnswer } from './sample';

/** What the runner's load gives (bench-runner.ts LoadedTarget), as far as refining needs it. */
interface LoadedRefiner {
  engine: ChatEngine;
  loaded: LoadedModel;
}

export interface PipelineDeps {
  load: (target: BenchTarget, signal: AbortSignal) => Promise<LoadedRefiner>;
  /** The run's sampling settings (greedy, cold cache). */
  params: GenerationParams;
  signal: AbortSignal;
}

/** Whether `sample` is a measured answer of `target` (a target without a dtype takes any). */
export function isTargetSample(sample: BenchSample, target: BenchTarget): boolean {
  return (
    sample.modelId === target.modelId &&
    sample.backend === target.backend &&
    (target.dtype === undefined || sample.dtype === target.dtype) &&
    !sample.warmup &&
    sample.rag === undefined
  );
}

/** The question a prompt asks: its last user message. */
function questionOf(plan: BenchPlan, promptId: string): string {
  const prompt = plan.prompts.find((p) => p.id === promptId);
  return prompt?.messages.at(-1)?.content ?? '';
}

/** The rule's verdict on each measured draft, before anything is refined. */
export function decideDrafts(
  pipeline: BenchPipeline,
  plan: BenchPlan,
  samples: readonly BenchSample[],
): { draft: BenchSample; step: PipelineStep }[] {
  return samples
    .filter((s) => isTargetSample(s, pipeline.draft))
    .map((draft) => {
      const decision = decideEscalation(pipeline.rule, {
        question: questionOf(plan, draft.promptId),
        text: draft.output,
        meanLogprob: draft.meanLogprob ?? null,
        ...(draft.error ? { error: draft.error } : {}),
      });
      return {
        draft,
        step: {
          promptId: draft.promptId,
          round: draft.round,
          draftMs: draft.totalMs,
          escalated: decision.escalate,
          reason: decision.reason,
          refineMs: null,
          output: draft.output,
          error: null,
        },
      };
    });
}

/** Runs one pipeline over the run's samples so far; never throws for a model's failure, only records it. */
export async function runPipeline(
  pipeline: BenchPipeline,
  plan: BenchPlan,
  samples: readonly BenchSample[],
  deps: PipelineDeps,
): Promise<PipelineResult> {
  // A function, not the property: the signal flips during awaits, which narrowing cannot see.
  const aborted = (): boolean => deps.signal.aborted;
  const decided = decideDrafts(pipeline, plan, samples);
  const steps = decided.map((d) => d.step);
  const result = (status: PipelineResult['status'], message: string | null): PipelineResult => ({ pipeline, status, message, steps });
  const escalated = decided.filter((d) => d.step.escalated);
  if (decided.length === 0) return result('failed', 'the draft model gave no measured answer to refine');
  if (escalated.length === 0) return result('ok', null);
  if (aborted()) return result('cancelled', 'cancelled before the refine model loaded');
  let loaded: LoadedRefiner;
  try {
    loaded = await deps.load(pipeline.refine, deps.signal);
  } catch (error) {
    const why = aborted() ? 'cancelled while the refine model loaded' : `the refine model did not load: ${errorMessage(error)}`;
    for (const d of escalated) Object.assign(d.step, { error: why, output: '' });
    return result(aborted() ? 'cancelled' : 'failed', why);
  }
  for (const { draft, step } of escalated) {
    if (aborted()) {
      Object.assign(step, { error: 'cancelled', output: '' });
      continue;
    }
    const question = questionOf(plan, draft.promptId);
    const messages = refineMessages(pipeline.instruction, question, draft.error ? '' : draft.output);
    try {
      const answer = await readAnswer(loaded.engine.chat(messages, deps.params, deps.signal));
      const refined = sampleFromAnswer(
        {
          modelId: pipeline.refine.modelId,
          backend: loaded.loaded.backend,
          dtype: loaded.loaded.dtype,
          promptId: draft.promptId,
          round: draft.round,
          warmup: false,
        },
        answer,
      );
      Object.assign(step, { refineMs: refined.totalMs, output: refined.output, error: refined.error });
    } catch (error) {
      Object.assign(step, { output: '', error: aborted() ? 'cancelled' : errorMessage(error) || 'unknown error' });
    }
  }
  if (aborted()) return result('cancelled', 'cancelled while refining');
  const failed = steps.find((s) => s.error !== null);
  return result(failed ? 'failed' : 'ok', failed ? failed.error : null);
}
