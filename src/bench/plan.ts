/**
 * Building a benchmark plan and laying it out as the ordered list of requests the runner sends,
 * so progress ("request 7 of 42") and the sample numbering are decided in one pure place.
 */
import type { BackendKind } from '../engine/engine-types';
import { builtinPromptSet } from './prompts';
import { benchPlanSchema, parseWith, type BenchPlan, type BenchPrompt, type BenchTarget, type PromptSet } from './bench-types';

/** Defaults of the benchmark panel: short answers, one warm-up, greedy decoding. */
export const DEFAULT_PLAN_SETTINGS = Object.freeze({ rounds: 3, warmupRounds: 1, maxNewTokens: 64, temperature: 0 });

/** Every model on every backend, model-major ("phi on WebGPU", "phi on gateway", "gpt-oss on ..."). */
export function crossTargets(modelIds: readonly string[], backends: readonly BackendKind[]): BenchTarget[] {
  return modelIds.flatMap((modelId) => backends.map((backend) => ({ modelId, backend })));
}

/** The plan's fields that come from a prompt set. */
export function planFromSet(set: PromptSet): Pick<BenchPlan, 'promptSetName' | 'prompts' | 'documents'> {
  return { promptSetName: set.name, prompts: set.prompts, documents: set.documents };
}

/** The prompt set a plan runs, as exported and re-imported. */
export function setOfPlan(plan: Pick<BenchPlan, 'promptSetName' | 'prompts' | 'documents'>): PromptSet {
  return { name: plan.promptSetName, prompts: plan.prompts, documents: plan.documents };
}

/** A plan with the built-in prompts and default settings, for the given targets. */
export function defaultPlan(targets: readonly BenchTarget[]): BenchPlan {
  return { targets: [...targets], ...planFromSet(builtinPromptSet()), ...DEFAULT_PLAN_SETTINGS };
}

/** Validates a plan (from the panel or a file), or throws a BenchValidationError naming fields. */
export function parsePlan(data: unknown): BenchPlan {
  return parseWith(benchPlanSchema, data, 'benchmark plan');
}

/** One request of a plan. */
export interface PlannedRequest {
  target: BenchTarget;
  prompt: BenchPrompt;
  /** 0-based over all rounds of the target, warm-up rounds first. */
  round: number;
  warmup: boolean;
  /** A grounded prompt's request: with retrieved passages (true) or its control without (false); null otherwise. */
  rag: boolean | null;
}

/**
 * The requests in the order they run: target by target (one model load each), then round by
 * round, then prompt by prompt. Rounds go around the whole prompt set rather than repeating one
 * prompt, so a slow drift (thermal throttling) spreads over every prompt instead of one.
 */
export function planRequests(plan: BenchPlan): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  for (const target of plan.targets) {
    for (let round = 0; round < plan.warmupRounds + plan.rounds; round++) {
      const warmup = round < plan.warmupRounds;
      for (const prompt of plan.prompts) {
        // RAG on, then its control: back to back, so both meet the same weather.
        if (prompt.grounded) for (const rag of [true, false]) out.push({ target, prompt, round, warmup, rag });
        else out.push({ target, prompt, round, warmup, rag: null });
      }
    }
  }
  return out;
}
