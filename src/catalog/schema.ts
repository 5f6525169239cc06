/**
 * The model catalog (`public/models/models.json`): its schema, and a validator whose errors name
 * the offending field (`models[1].variants[0].files[0].sha256: ...`).
 */
import { z } from 'zod';

/** transformers.js dtype names; each maps to one ONNX file name (see `onnxFileForDtype`). */
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof DTYPES)[number];

export const TASKS = ['chat', 'code', 'reasoning', 'tools', 'multilingual', 'summarize'] as const;
export type Task = (typeof TASKS)[number];

/**
 * What a model does, as transformers.js names its pipeline: chat models generate text, embedding
 * models turn text into vectors (retrieval's semantic half). Absent in an entry: text-generation.
 */
export const PIPELINES = ['text-generation', 'feature-extraction'] as const;
export type Pipeline = (typeof PIPELINES)[number];

/** How transformers.js' feature-extraction pipeline turns token vectors into one sentence vector. */
export const POOLINGS = ['mean', 'cls', 'first_token', 'eos', 'last_token'] as const;

const SLUG = /^[a-z0-9][a-z0-9._-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;
const HUB_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'), {
    message: 'must be a relative path inside the model folder (no leading "/", no "..")',
  });

const fileEntry = z.strictObject({
  path: relativePath,
  bytes: z.number().int().positive(),
  sha256: z.string().regex(HEX64, 'must be 64 lowercase hex characters').optional(),
  /** The size is the hub's rounded one: shown and used by the fit check, never enforced on download. */
  approximate: z.literal(true).optional(),
});

const variant = z.strictObject({
  dtype: z.enum(DTYPES),
  files: z.array(fileEntry).min(1),
});

const source = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bundled'), path: relativePath }),
  z.strictObject({
    kind: z.literal('hub'),
    repo: z.string().regex(HUB_REPO, 'must look like "owner/name"'),
    revision: z.string().min(1),
  }),
  z.strictObject({ kind: z.literal('gateway'), alias: z.string().min(1) }),
  /** Imported from files on the user's disk: stored only in the weight cache, under `path`. */
  z.strictObject({ kind: z.literal('local'), path: relativePath }),
]);

const model = z
  .strictObject({
    id: z.string().regex(SLUG, 'must be lowercase letters, digits, ".", "_" or "-"'),
    name: z.string().min(1),
    source,
    architecture: z.string().min(1),
    /** null only for gateway models whose size the server does not tell. */
    parameters: z.number().int().positive().nullable(),
    contextLength: z.number().int().positive().nullable(),
    license: z.string().min(1),
    /** What a chat model is good at (the picker's filter); an embedding model has none. */
    tasks: z.array(z.enum(TASKS)).default([]),
    /** See PIPELINES; absent means text-generation. */
    task: z.enum(PIPELINES, { error: `must be one of ${PIPELINES.map((p) => `"${p}"`).join(', ')}` }).optional(),
    /** An embedding model's vectors: their size, and how the pipeline pools and normalizes them. */
    embedding: z
      .strictObject({
        dimensions: z.number().int().positive(),
        pooling: z.enum(POOLINGS, { error: `must be one of ${POOLINGS.map((p) => `"${p}"`).join(', ')}` }),
        normalize: z.boolean(),
      })
      .optional(),
    /**
     * The system memory (GB) a device should have to run the model comfortably: a rough need
     * written by hand, not measured; the benchmark recommends only models whose need this device
     * meets. Absent: not stated, so not checked.
     */
    minRamGb: z
      .number({ error: 'must be a number of gigabytes' })
      .positive('must be more than 0 (leave it out when unknown)')
      .max(4096, 'must be at most 4096 GB')
      .optional(),
    /** The Foundry alias of the same model, so it can also run on the gateway (browser vs native). */
    gatewayAlias: z.string().min(1).optional(),
    /** Attention shape from config.json, for the KV-cache estimate of the fit check. */
    shape: z
      .strictObject({ layers: z.number().int().positive(), kvHeads: z.number().int().positive(), headDim: z.number().int().positive() })
      .optional(),
    files: z.array(fileEntry).default([]),
    variants: z.array(variant).default([]),
    notes: z.string().default(''),
  })
  .superRefine((m, ctx) => {
    if (m.task === 'feature-extraction') {
      // Embeddings are computed in the browser's retrieval worker; a gateway cannot stand in for it.
      if (m.source.kind === 'gateway') {
        ctx.addIssue({
          code: 'custom',
          path: ['task'],
          message: 'an embedding model must run in the browser (bundled, hub or local source)',
        });
      }
      if (!m.embedding) {
        ctx.addIssue({
          code: 'custom',
          path: ['embedding'],
          message: 'an embedding model needs its vectors described: dimensions, pooling, normalize',
        });
      }
    } else {
      if (m.tasks.length === 0) ctx.addIssue({ code: 'custom', path: ['tasks'], message: 'a chat model needs at least one task' });
      if (m.embedding)
        ctx.addIssue({ code: 'custom', path: ['embedding'], message: 'only an embedding model (task "feature-extraction") has one' });
    }
    if (m.source.kind !== 'gateway') {
      if (m.variants.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['variants'], message: 'a browser model needs at least one dtype variant' });
      }
      // The browser engine enforces the context window itself, so it must know it.
      if (m.contextLength === null) ctx.addIssue({ code: 'custom', path: ['contextLength'], message: 'required for a browser model' });
      if (m.parameters === null) ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'required for a browser model' });
    }
    const seen = new Set<string>();
    m.variants.forEach((v, i) => {
      if (seen.has(v.dtype)) {
        ctx.addIssue({ code: 'custom', path: ['variants', i, 'dtype'], message: `duplicate dtype "${v.dtype}"` });
      }
      seen.add(v.dtype);
    });
    if (m.source.kind === 'bundled') {
      const approx = [...m.files, ...m.variants.flatMap((v) => v.files)].findIndex((f) => f.approximate);
      if (approx >= 0) ctx.addIssue({ code: 'custom', path: ['files'], message: 'bundled files have exact sizes: remove "approximate"' });
      // Bundled files ship with the app, so their hashes are always known and always checked.
      const all = [
        ...m.files.map((f, i) => ({ f, path: ['files', i] })),
        ...m.variants.flatMap((v, vi) => v.files.map((f, i) => ({ f, path: ['variants', vi, 'files', i] }))),
      ];
      for (const { f, path } of all) {
        if (!f.sha256) ctx.addIssue({ code: 'custom', path: [...path, 'sha256'], message: 'required for bundled files' });
      }
    }
  });

const catalog = z
  .strictObject({
    schemaVersion: z.literal(1),
    models: z.array(model),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate id "${m.id}"` });
      seen.add(m.id);
    });
  });

/** Whether a catalog model is an embedding model (it never answers in the chat). */
export function isEmbeddingModel(model: Pick<CatalogModel, 'task'>): boolean {
  return model.task === 'feature-extraction';
}

export type CatalogFile = z.infer<typeof fileEntry>;
export type CatalogVariant = z.infer<typeof variant>;
export type ModelSource = z.infer<typeof source>;
export type CatalogModel = z.infer<typeof model>;
export type Catalog = z.infer<typeof catalog>;

/** Thrown when a catalog does not match the schema; `issues` lists every bad field. */
export class CatalogValidationError extends Error {
  override readonly name = 'CatalogValidationError';
  constructor(
    readonly issues: readonly string[],
    origin: string,
  ) {
    super(`Invalid model catalog (${origin}): ${issues.join('; ')}`);
  }
}

/** `["models", 1, "variants"]` -> `models[1].variants` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/** Validates unknown JSON as a catalog, or throws a CatalogValidationError naming each bad field. */
export function parseCatalog(data: unknown, origin = 'models.json'): Catalog {
  const result = catalog.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
  throw new CatalogValidationError(issues, origin);
}

/** Validates a single model entry (for user-added models). */
export function parseModel(data: unknown, origin = 'model entry'): CatalogModel {
  const result = model.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
  throw new CatalogValidationError(issues, origin);
}
