/**
 * The data model of a benchmark run, as zod schemas with the TypeScript types inferred from them,
 * so what is stored in IndexedDB, exported and re-imported is checked by the same rules.
 *
 * A run measures every target (model x backend) on every prompt, `warmupRounds` times without
 * counting, then `rounds` times for real. Each request becomes one BenchSample.
 */
import { z } from 'zod';
import { DTYPES, formatPath } from '../catalog/schema';
import type { BackendKind } from '../engine/engine-types';
import { errorMessage } from '../errors/error-message';
import { LATENCY_PARTS } from '../metrics/latency-parts';
import { expectationFields } from './expectations';
import { rubricSchema } from './rubric-types';
import { escalationRuleSchema } from '../compare/escalation';

/** The engine's backends, as a tuple zod can check against. */
export const BACKENDS = ['webgpu', 'wasm', 'gateway'] as const satisfies readonly BackendKind[];

const finite = z.number({ error: 'must be a number' });
const count = finite.int('must be a whole number').nonnegative('must not be negative');
const rate = finite.nonnegative('must not be negative');

export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

/**
 * A grounded prompt is asked twice per round: once with passages of the set's documents retrieved
 * into the prompt, as the chat does with a conversation's sources (RAG on), and once as it is (RAG
 * off), so a run shows what retrieval adds. `source` names the document that holds the answer, or
 * is null when none does (the model should say the context does not say).
 */
export const groundingSchema = z.strictObject({
  source: z.string().min(1, 'must not be empty (null when no document holds the answer)').nullable(),
});

/**
 * One prompt: a conversation whose last message is the user's, answered by the model; with
 * optional expectations (reference answer, facets, length limits, task) that score its answers.
 */
export const benchPromptSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  messages: z
    .array(chatMessageSchema)
    .min(1, 'needs at least one message')
    .refine((m) => m[m.length - 1]?.role === 'user', { message: 'the last message must be from the user' }),
  ...expectationFields,
  grounded: groundingSchema.optional(),
});

const promptList = z
  .array(benchPromptSchema)
  .min(1, 'needs at least one prompt')
  .superRefine((prompts, ctx) => {
    const seen = new Set<string>();
    prompts.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate prompt id "${p.id}"` });
      seen.add(p.id);
    });
  });

/** A reference document of a prompt set: what grounded prompts retrieve from. */
export const benchDocumentSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  text: z.string().refine((t) => t.trim() !== '', 'must not be empty'),
});

const documentList = z
  .array(benchDocumentSchema)
  .default([])
  .superRefine((documents, ctx) => {
    const seen = new Set<string>();
    documents.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate document name "${d.name}"` });
      seen.add(d.name);
    });
  });

/** A grounded prompt needs documents, and its `source` must be one of them. */
function checkGrounding(
  value: { prompts: readonly z.infer<typeof benchPromptSchema>[]; documents: readonly { name: string }[] },
  ctx: z.RefinementCtx,
): void {
  const names = new Set(value.documents.map((d) => d.name));
  value.prompts.forEach((p, i) => {
    if (!p.grounded) return;
    const path = ['prompts', i, 'grounded', 'source'];
    if (!names.size)
      ctx.addIssue({ code: 'custom', path: ['prompts', i, 'grounded'], message: 'a grounded prompt needs the set to have documents' });
    else if (p.grounded.source !== null && !names.has(p.grounded.source))
      ctx.addIssue({ code: 'custom', path, message: `"${p.grounded.source}" is not one of the set's documents` });
  });
}

/** A named prompt set, the unit of JSON import and export. */
export const promptSetSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty'),
    prompts: promptList,
    documents: documentList,
  })
  .superRefine(checkGrounding);

/** What to run: a model on a backend; `dtype` absent lets the router choose. */
export const benchTargetSchema = z.strictObject({
  modelId: z.string().min(1, 'must not be empty'),
  backend: z.enum(BACKENDS),
  dtype: z.enum(DTYPES).optional(),
});

/**
 * Draft -> refine as a benchmark target: after the plan's targets, every measured answer of
 * `draft` goes through `rule` (compare/escalation.ts), and those it escalates are refined by
 * `refine` with `instruction`, so the run shows the escalation rate and the combined time beside
 * each model alone. Both must be among the plan's targets: their own answers are the "alone".
 */
export const benchPipelineSchema = z.strictObject({
  draft: benchTargetSchema,
  refine: benchTargetSchema,
  rule: escalationRuleSchema,
  instruction: z.string(),
});

const sameTarget = (a: z.infer<typeof benchTargetSchema>, b: z.infer<typeof benchTargetSchema>): boolean =>
  a.modelId === b.modelId && a.backend === b.backend && a.dtype === b.dtype;

/** A pipeline's draft and refine targets must be measured alone too. */
function checkPipelines(
  value: { targets: readonly z.infer<typeof benchTargetSchema>[]; pipelines?: readonly z.infer<typeof benchPipelineSchema>[] | undefined },
  ctx: z.RefinementCtx,
): void {
  (value.pipelines ?? []).forEach((p, i) => {
    for (const stage of ['draft', 'refine'] as const) {
      if (!value.targets.some((t) => sameTarget(t, p[stage])))
        ctx.addIssue({
          code: 'custom',
          path: ['pipelines', i, stage],
          message: `${p[stage].modelId} on ${p[stage].backend} must also be one of the plan's targets (its answers alone are the comparison)`,
        });
    }
  });
}

export const benchPlanSchema = z
  .strictObject({
    targets: z.array(benchTargetSchema).min(1, 'needs at least one target'),
    promptSetName: z.string(),
    prompts: promptList,
    /** The prompt set's documents (absent in runs saved before grounded prompts existed). */
    documents: documentList,
    rounds: count.min(1, 'must be at least 1'),
    warmupRounds: count,
    maxNewTokens: count.min(1, 'must be at least 1'),
    // Greedy by default: the same prompt then yields the same tokens on every round and backend.
    temperature: finite.min(0, 'must not be negative').default(0),
    /** Draft -> refine pipelines measured after the targets (absent in runs saved before they existed). */
    pipelines: z.array(benchPipelineSchema).optional(),
  })
  .superRefine(checkGrounding)
  .superRefine(checkPipelines);

/** What retrieval gave a grounded prompt's request, and what its answer cited. */
export const ragSampleSchema = z.strictObject({
  /** true: passages of the documents were in the prompt; false: the control, asked without them. */
  on: z.boolean(),
  /** The document of each passage retrieved, best first: the prompt's [1], [2], … then those left out. */
  retrieved: z.array(z.string()),
  /** The documents the answer's marks name ([2] -> the document of passage 2), in order, without repeats. */
  cited: z.array(z.string()),
  /** Ranking, fitting and building the prompt; null for the control. */
  retrievalMs: finite.nonnegative('must not be negative').nullable(),
});

/** The dtype that actually ran; a gateway does not say, so it is "server". */
export const runDtypeSchema = z.enum([...DTYPES, 'server']);

/** One request. Metrics are null when they could not be measured (no token, failed request). */
export const benchSampleSchema = z.strictObject({
  modelId: z.string().min(1, 'must not be empty'),
  backend: z.enum(BACKENDS),
  dtype: runDtypeSchema,
  promptId: z.string().min(1, 'must not be empty'),
  /** 0-based, counting warm-up rounds first: warm-up rounds are 0..W-1, measured ones W..W+R-1. */
  round: count,
  warmup: z.boolean(),
  /** Epoch milliseconds when the request was sent. */
  startedAt: finite,
  ttftMs: finite.nonnegative('must not be negative').nullable(),
  prefillTokensPerSec: rate.nullable(),
  decodeTokensPerSec: rate.nullable(),
  /** null only when the request failed before any timing existed. */
  totalMs: finite.nonnegative('must not be negative').nullable(),
  interTokenMs: z.array(finite),
  promptTokens: count,
  generatedTokens: count,
  output: z.string(),
  stopReason: z.enum(['eos', 'length', 'aborted']).nullable(),
  /** Why the request failed; null when it did not. Never empty, so CSV can tell it from null. */
  error: z.string().min(1, 'must not be empty (use null)').nullable(),
  /** Only for a grounded prompt's requests. */
  rag: ragSampleSchema.optional(),
  /** Where the request's time went (src/metrics/latency-parts.ts); absent in runs saved before it existed. */
  parts: z.record(z.enum(LATENCY_PARTS), finite.nonnegative('must not be negative').nullable()).optional(),
  /** The 1–5 rubric of the answer (rubric-types.ts); absent until it is scored, and in runs saved before rubrics existed. */
  rubric: rubricSchema.optional(),
  /** The answer's mean token log-probability, where the engine reports it (in-browser engines): the low-confidence rule reads it. */
  meanLogprob: z.number().nonpositive('must not be positive').optional(),
});

/** Where a run happened; per-target details (backend, dtype, file hashes) are on each target. */
export const benchEnvironmentSchema = z.strictObject({
  userAgent: z.string(),
  /** GPUAdapterInfo fields; null without WebGPU. */
  adapter: z.strictObject({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string() }).nullable(),
  /** navigator.hardwareConcurrency */
  hardwareConcurrency: count.nullable(),
  /** Threads the WASM backend uses (1 without cross-origin isolation). */
  wasmThreads: count.nullable(),
  crossOriginIsolated: z.boolean(),
  appVersion: z.string(),
  /** navigator.deviceMemory (GiB, rounded down, at most 8); null when the browser does not say, absent in older runs. */
  deviceMemoryGiB: finite.nonnegative('must not be negative').nullable().optional(),
});

/** What a target occupied while it answered; each figure null when it could not be had, and `notes` says why. */
export const targetResourcesSchema = z.strictObject({
  /** The page's memory, workers included (performance.measureUserAgentSpecificMemory), during the target's answers. */
  pageMemoryBytes: count.nullable(),
  /** The bytes of the files that ran, as stored in this browser's weight cache; null for a gateway target. */
  diskBytes: count.nullable(),
  /** The gateway process's resident set size, when its /status reports one; null for a browser target. */
  gatewayRssBytes: count.nullable(),
  /**
   * The WebGPU buffers alive in the inference worker as it answered, and their peak since the
   * model began loading (counted by the worker: engine/worker/gpu-buffer-meter.ts); null off
   * WebGPU, absent in runs made before they were counted.
   */
  gpuBufferBytes: count.nullable().optional(),
  gpuBufferPeakBytes: count.nullable().optional(),
  notes: z.array(z.string()),
});

/** How one target went, and what actually ran for it. */
export const targetResultSchema = z.strictObject({
  target: benchTargetSchema,
  status: z.enum(['ok', 'failed', 'cancelled']),
  /** Why it failed or was cancelled, or a router notice; null when there is nothing to say. */
  message: z.string().nullable(),
  /** The dtype that ran; null when the model never loaded. */
  dtype: runDtypeSchema.nullable(),
  /** "WebGPU · google · swiftshader", "gateway · http://…" */
  detail: z.string(),
  files: z.array(z.strictObject({ path: z.string().min(1), sha256: z.string().nullable() })),
  /** Absent in runs saved before it was measured, and for targets that never answered. */
  resources: targetResourcesSchema.optional(),
});

/** One measured draft of a pipeline, and what the rule and the refiner made of it. */
export const pipelineStepSchema = z.strictObject({
  promptId: z.string().min(1, 'must not be empty'),
  round: count,
  /** The draft's own time (its sample's totalMs); null when it failed before any timing. */
  draftMs: finite.nonnegative('must not be negative').nullable(),
  escalated: z.boolean(),
  /** The rule's reason, as the Compare tab shows it. */
  reason: z.string(),
  /** The refine request's time; null when the draft was kept, or the refine failed before timing. */
  refineMs: finite.nonnegative('must not be negative').nullable(),
  /** The answer the user gets: the refined one, or the draft when it was kept. */
  output: z.string(),
  /** Why the refine request failed; null when it did not (or was not made). */
  error: z.string().min(1, 'must not be empty (use null)').nullable(),
});

export const pipelineResultSchema = z.strictObject({
  pipeline: benchPipelineSchema,
  status: z.enum(['ok', 'failed', 'cancelled']),
  message: z.string().nullable(),
  steps: z.array(pipelineStepSchema),
});

export const benchRunSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  startedAt: finite,
  finishedAt: finite.nullable(),
  plan: benchPlanSchema,
  environment: benchEnvironmentSchema,
  targets: z.array(targetResultSchema),
  samples: z.array(benchSampleSchema),
  /** One per plan pipeline (absent in runs saved before pipelines existed). */
  pipelines: z.array(pipelineResultSchema).optional(),
});

export type BenchPrompt = z.infer<typeof benchPromptSchema>;
export type BenchDocument = z.infer<typeof benchDocumentSchema>;
export type RagSample = z.infer<typeof ragSampleSchema>;
export type PromptSet = z.infer<typeof promptSetSchema>;
export type BenchTarget = z.infer<typeof benchTargetSchema>;
export type BenchPlan = z.infer<typeof benchPlanSchema>;
export type RunDtype = z.infer<typeof runDtypeSchema>;
export type BenchSample = z.infer<typeof benchSampleSchema>;
export type BenchEnvironment = z.infer<typeof benchEnvironmentSchema>;
export type TargetResult = z.infer<typeof targetResultSchema>;
export type TargetResources = z.infer<typeof targetResourcesSchema>;
export type BenchRun = z.infer<typeof benchRunSchema>;
export type BenchPipeline = z.infer<typeof benchPipelineSchema>;
export type PipelineStep = z.infer<typeof pipelineStepSchema>;
export type PipelineResult = z.infer<typeof pipelineResultSchema>;

/** Thrown when imported or stored benchmark data does not match; `issues` name each bad field. */
export class BenchValidationError extends Error {
  override readonly name = 'BenchValidationError';
  constructor(
    readonly issues: readonly string[],
    origin: string,
  ) {
    super(`Invalid ${origin}: ${issues.join('; ')}`);
  }
}

/** "run.samples[3].ttftMs: must be a number", one line per zod issue, under an optional prefix. */
export function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => `${formatPath([...prefix, ...issue.path]) || '(root)'}: ${issue.message}`);
}

/** Parses with `schema` or throws a BenchValidationError naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, origin: string, prefix: readonly PropertyKey[] = []): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new BenchValidationError(describeIssues(result.error, prefix), origin);
}

/** JSON.parse that fails with a BenchValidationError saying which import was not JSON. */
export function parseJsonText(text: string, origin: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BenchValidationError([`(root): not valid JSON (${errorMessage(error)})`], origin);
  }
}
