/**
 * The headless driver's draft -> refine target (`npm run bench -- --pipeline a>b`): after the
 * targets, the draft model's answers go through the rule and the escalated ones are refined, and
 * the report gains a "Draft → refine" table (src/bench/pipeline-runner.ts).
 *
 *   --pipeline DRAFT[@BACKEND]>REFINE[@BACKEND]   catalog ids, each on wasm unless a backend is named
 *   --escalate RULE                               always | longer:N (characters) | confidence:X
 *                                                 (mean token log-probability, <= 0) | topics:a,b
 *                                                 (default longer:600, the workshop's rule)
 *   --refine-instruction TEXT                     the refine model's instruction
 *
 * Both models are measured alone too (added to the targets when the flags do not name them).
 */
import { BACKENDS, type BenchPipeline, type BenchTarget } from '../../src/bench/bench-types';
import { DEFAULT_LENGTH_LIMIT, type EscalationRule } from '../../src/compare/escalation';
import { DEFAULT_REFINE_INSTRUCTION } from '../../src/compare/refine-prompt';

export const PIPELINE_OPTIONS = {
  pipeline: { type: 'string' },
  escalate: { type: 'string' },
  'refine-instruction': { type: 'string' },
} as const;

export interface PipelineFlags {
  pipeline?: string | undefined;
  escalate?: string | undefined;
  'refine-instruction'?: string | undefined;
}

function target(text: string, flag: string): BenchTarget {
  const [modelId = '', backend = 'wasm', ...rest] = text.trim().split('@');
  const known = BACKENDS.find((b) => b === backend);
  if (!modelId || rest.length || !known)
    throw new Error(`--pipeline "${flag}": use DRAFT>REFINE, each MODEL or MODEL@BACKEND, BACKEND one of ${BACKENDS.join(', ')}.`);
  return { modelId, backend: known };
}

export function ruleFromFlag(text: string): EscalationRule {
  const [kind = '', ...restParts] = text.split(':');
  const value = restParts.join(':').trim();
  const number = Number(value);
  if (kind === 'always' && value === '') return { kind: 'always' };
  if (kind === 'longer' && value !== '' && Number.isInteger(number) && number >= 0) return { kind: 'longer-than', chars: number };
  if (kind === 'confidence' && value !== '' && Number.isFinite(number) && number <= 0) return { kind: 'low-confidence', below: number };
  if (kind === 'topics' && value !== '')
    return {
      kind: 'topics',
      topics: value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    };
  throw new Error(
    `--escalate "${text}": use always, longer:N (whole characters), confidence:X (a log-probability <= 0, e.g. -0.5) or topics:a,b.`,
  );
}

/** The pipeline the flags name, null without --pipeline, or an Error saying which flag is wrong. */
export function pipelineFromFlags(flags: PipelineFlags): BenchPipeline | null {
  if (flags.pipeline === undefined) {
    if (flags.escalate !== undefined || flags['refine-instruction'] !== undefined)
      throw new Error('--escalate and --refine-instruction need --pipeline DRAFT>REFINE.');
    return null;
  }
  const stages = flags.pipeline.split('>');
  if (stages.length !== 2)
    throw new Error(`--pipeline "${flags.pipeline}": use DRAFT>REFINE (e.g. pocket-chat-1m>pocket-chat-3m@gateway).`);
  return {
    draft: target(stages[0]!, flags.pipeline),
    refine: target(stages[1]!, flags.pipeline),
    rule: flags.escalate === undefined ? { kind: 'longer-than', chars: DEFAULT_LENGTH_LIMIT } : ruleFromFlag(flags.escalate),
    instruction: flags['refine-instruction'] ?? DEFAULT_REFINE_INSTRUCTION,
  };
}

/** `targets` with the pipeline's two models added where missing. */
export function withPipelineTargets(targets: readonly BenchTarget[], pipeline: BenchPipeline | null): BenchTarget[] {
  const out = [...targets];
  for (const t of pipeline ? [pipeline.draft, pipeline.refine] : []) {
    if (!out.some((o) => o.modelId === t.modelId && o.backend === t.backend && o.dtype === t.dtype)) out.push(t);
  }
  return out;
}
