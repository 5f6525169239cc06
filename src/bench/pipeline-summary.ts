/**
 * What a draft -> refine pipeline of a run comes to: how often the rule escalated, the combined
 * time of an answer (draft, plus refine when escalated) against each model alone, and, where the
 * prompts expect something, the quality of the answer the user gets against each model's own.
 */
import type { EscalationRule } from '../compare/escalation';
import { BACKEND_LABEL } from '../ui/shared/model-label';
import type { BenchPlan, BenchSample, BenchTarget, PipelineResult } from './bench-types';
import { isTargetSample } from './pipeline-runner';
import { isScored, scoreAnswer } from './scoring';
import { summarize, type Stats } from './stats';

export interface PipelineSummary {
  /** "pocket-chat-1m · WASM → pocket-chat-3m · Gateway" */
  label: string;
  rule: string;
  status: PipelineResult['status'];
  message: string | null;
  drafts: number;
  escalated: number;
  /** escalated / drafts; null without drafts. */
  escalationRate: number | null;
  /** Per prompt and round: draft time + refine time when escalated (steps whose requests all finished). */
  combinedMs: Stats;
  draftAloneMs: Stats;
  refineAloneMs: Stats;
  /** Mean automatic quality (scoring.ts) of the final answers, and of each model's own; null without scored prompts. */
  quality: { pipeline: number | null; draft: number | null; refine: number | null };
}

export function describeTarget(t: BenchTarget): string {
  return `${t.modelId} · ${BACKEND_LABEL[t.backend]}${t.dtype ? ` ${t.dtype}` : ''}`;
}

export function describeRule(rule: EscalationRule): string {
  switch (rule.kind) {
    case 'always':
      return 'always';
    case 'longer-than':
      return `when the draft is longer than ${rule.chars} characters`;
    case 'low-confidence':
      return `when the draft's mean token log-probability is below ${rule.below.toFixed(2)}`;
    case 'topics':
      return rule.topics.length ? `when it mentions ${rule.topics.join(', ')}` : 'when it mentions a flagged topic (none set)';
  }
}

function meanQuality(plan: BenchPlan, answers: readonly { promptId: string; output: string }[]): number | null {
  const scores = answers.flatMap((a) => {
    const prompt = plan.prompts.find((p) => p.id === a.promptId);
    const quality = prompt && isScored(prompt) ? scoreAnswer(prompt, a.output).quality : null;
    return quality === null ? [] : [quality];
  });
  return scores.length ? scores.reduce((s, q) => s + q, 0) / scores.length : null;
}

function alone(samples: readonly BenchSample[], target: BenchTarget): BenchSample[] {
  return samples.filter((s) => isTargetSample(s, target) && s.error === null);
}

export function summarizePipeline(result: PipelineResult, plan: BenchPlan, samples: readonly BenchSample[]): PipelineSummary {
  const { pipeline, steps } = result;
  const escalated = steps.filter((s) => s.escalated).length;
  const finished = steps.filter((s) => s.error === null && s.draftMs !== null && (!s.escalated || s.refineMs !== null));
  const draftAlone = alone(samples, pipeline.draft);
  const refineAlone = alone(samples, pipeline.refine);
  return {
    label: `${describeTarget(pipeline.draft)} → ${describeTarget(pipeline.refine)}`,
    rule: describeRule(pipeline.rule),
    status: result.status,
    message: result.message,
    drafts: steps.length,
    escalated,
    escalationRate: steps.length ? escalated / steps.length : null,
    combinedMs: summarize(finished.map((s) => s.draftMs! + (s.refineMs ?? 0))),
    draftAloneMs: summarize(draftAlone.map((s) => s.totalMs)),
    refineAloneMs: summarize(refineAlone.map((s) => s.totalMs)),
    quality: {
      pipeline: meanQuality(plan, finished),
      draft: meanQuality(plan, draftAlone),
      refine: meanQuality(plan, refineAlone),
    },
  };
}

export function summarizePipelines(run: {
  plan: BenchPlan;
  samples: readonly BenchSample[];
  pipelines?: readonly PipelineResult[] | undefined;
}): PipelineSummary[] {
  return (run.pipelines ?? []).map((r) => summarizePipeline(r, run.plan, run.samples));
}
