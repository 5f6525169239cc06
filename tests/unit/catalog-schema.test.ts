/** Catalog validation: valid entries pass with defaults, and each error names its field path. */
import { describe, expect, it } from 'vitest';
import { CatalogValidationError, formatPath, parseCatalog, parseModel } from '../../src/catalog/schema';
import { readCatalog } from '../support/paths';

const HASH = 'a'.repeat(64);

function bundled(id = 'tiny'): Record<string, unknown> {
  return {
    id,
    name: 'Tiny',
    source: { kind: 'bundled', path: `models/${id}` },
    architecture: 'llama',
    parameters: 1000,
    contextLength: 512,
    license: 'MIT',
    tasks: ['chat'],
    files: [{ path: 'config.json', bytes: 10, sha256: HASH }],
    variants: [{ dtype: 'q4', files: [{ path: 'onnx/model_q4.onnx', bytes: 100, sha256: HASH }] }],
  };
}

function hub(): Record<string, unknown> {
  return {
    id: 'hub-model',
    name: 'Hub',
    source: { kind: 'hub', repo: 'owner/name', revision: 'abc123' },
    architecture: 'qwen2',
    parameters: 5,
    contextLength: 4096,
    license: 'Apache-2.0',
    tasks: ['chat', 'code'],
    variants: [{ dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 7 }] }],
  };
}

function issues(data: unknown): string[] {
  try {
    parseCatalog(data, 'test.json');
  } catch (error) {
    if (error instanceof CatalogValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('catalog was accepted');
}

const catalog = (...models: unknown[]): unknown => ({ schemaVersion: 1, models });

/** A bundled model with one field changed through `edit`. */
function edited(edit: (m: Record<string, unknown>) => void): unknown {
  const m = bundled();
  edit(m);
  return catalog(m);
}

const variantFile = (m: Record<string, unknown>): Record<string, unknown> =>
  (m['variants'] as { files: Record<string, unknown>[] }[])[0]!.files[0]!;

describe('formatPath', () => {
  it('writes object keys with dots and array indices in brackets', () => {
    expect(formatPath(['models', 1, 'variants', 0, 'files', 2, 'sha256'])).toBe('models[1].variants[0].files[2].sha256');
    expect(formatPath([])).toBe('');
    expect(formatPath([0, 'id'])).toBe('[0].id');
  });
});

describe('parseCatalog', () => {
  it('accepts bundled, hub and gateway models and fills defaults', () => {
    const gateway = { ...hub(), id: 'gw', source: { kind: 'gateway', alias: 'phi' }, variants: undefined };
    const parsed = parseCatalog(catalog(bundled(), hub(), gateway));
    expect(parsed.models.map((m) => m.id)).toEqual(['tiny', 'hub-model', 'gw']);
    expect(parsed.models[0]?.notes).toBe('');
    expect(parsed.models[1]?.files).toEqual([]);
    expect(parsed.models[2]?.variants).toEqual([]);
  });

  it('names the path of a malformed hash deep inside a variant', () => {
    const bad = edited((m) => {
      variantFile(m)['sha256'] = 'A'.repeat(64);
    });
    expect(issues(bad)).toEqual(['models[0].variants[0].files[0].sha256: must be 64 lowercase hex characters']);
  });

  it('requires hashes for bundled files, but not for hub files', () => {
    const bad = edited((m) => {
      delete variantFile(m)['sha256'];
    });
    expect(issues(bad)).toEqual(['models[0].variants[0].files[0].sha256: required for bundled files']);
    expect(() => parseCatalog(catalog(hub()))).not.toThrow();
  });

  it('rejects paths that leave the model folder', () => {
    for (const path of ['../secret', '/etc/passwd', 'onnx\\model.onnx', 'a/../../b', '']) {
      const bad = edited((m) => {
        (m['files'] as Record<string, unknown>[])[0]!['path'] = path;
      });
      const found = issues(bad);
      expect(found, path).toHaveLength(1);
      expect(found[0], path).toMatch(/^models\[0\]\.files\[0\]\.path: /);
    }
  });

  it('names duplicate model ids and duplicate dtypes', () => {
    expect(issues(catalog(bundled('a'), bundled('b'), bundled('a')))).toEqual(['models[2].id: duplicate id "a"']);
    const twice = edited((m) => {
      const v = m['variants'] as unknown[];
      v.push(structuredClone(v[0]));
    });
    expect(issues(twice)).toEqual(['models[0].variants[1].dtype: duplicate dtype "q4"']);
  });

  it('requires a dtype variant for browser models only', () => {
    expect(issues(edited((m) => (m['variants'] = [])))).toEqual(['models[0].variants: a browser model needs at least one dtype variant']);
  });

  it('lists every problem, not just the first, and names the origin', () => {
    const bad = edited((m) => {
      m['id'] = 'Not A Slug';
      m['tasks'] = ['chat', 'dancing'];
      m['extra'] = true;
    });
    let error: unknown;
    try {
      parseCatalog(bad, 'remote catalog');
    } catch (e) {
      error = e;
    }
    if (!(error instanceof CatalogValidationError)) throw new Error('expected a CatalogValidationError');
    const found = error.issues;
    expect(found.some((i) => i.startsWith('models[0].id: '))).toBe(true);
    expect(found.some((i) => i.startsWith('models[0].tasks[1]: '))).toBe(true);
    expect(found.some((i) => i.includes('extra'))).toBe(true);
    expect(error.message.startsWith('Invalid model catalog (remote catalog): ')).toBe(true);
  });

  it('rejects other schema versions, non-positive sizes and a non-object root', () => {
    expect(issues({ schemaVersion: 2, models: [] })[0]).toMatch(/^schemaVersion: /);
    expect(issues(edited((m) => (variantFile(m)['bytes'] = 0)))[0]).toMatch(/^models\[0\]\.variants\[0\]\.files\[0\]\.bytes: /);
    expect(issues(edited((m) => (m['contextLength'] = 1.5)))[0]).toMatch(/^models\[0\]\.contextLength: /);
    expect(issues(null)[0]).toMatch(/^\(root\): /);
  });

  it('requires context length and parameter count for browser models, not for gateway models', () => {
    const bad = edited((m) => {
      m['contextLength'] = null;
      m['parameters'] = null;
    });
    expect(issues(bad).sort()).toEqual([
      'models[0].contextLength: required for a browser model',
      'models[0].parameters: required for a browser model',
    ]);
    const gateway = { ...hub(), source: { kind: 'gateway', alias: 'phi' }, variants: [], contextLength: null, parameters: null };
    expect(parseCatalog(catalog(gateway)).models[0]?.contextLength).toBeNull();
  });

  it('checks hub repository names', () => {
    const m = hub();
    m['source'] = { kind: 'hub', repo: 'no-owner', revision: 'main' };
    expect(issues(catalog(m))).toEqual(['models[0].source.repo: must look like "owner/name"']);
  });
});

describe('sizes, shapes and aliases', () => {
  it('allows approximate sizes on hub files and refuses them on bundled ones', () => {
    const roughHub = {
      ...hub(),
      variants: [{ dtype: 'q4', files: [{ path: 'onnx/model_q4.onnx', bytes: 1_790_000_000, approximate: true }] }],
    };
    expect(parseModel(roughHub).variants[0]?.files[0]?.approximate).toBe(true);
    const roughBundled = { ...bundled(), files: [{ path: 'config.json', bytes: 10, sha256: HASH, approximate: true }] };
    expect(issues({ schemaVersion: 1, models: [roughBundled] })).toEqual([
      'models[0].files: bundled files have exact sizes: remove "approximate"',
    ]);
    expect(issues({ schemaVersion: 1, models: [{ ...hub(), files: [{ path: 'a.json', bytes: 1, approximate: false }] }] })[0]).toMatch(
      /^models\[0\]\.files\[0\]\.approximate: /,
    );
  });

  it('checks the attention shape and the gateway alias', () => {
    expect(parseModel({ ...hub(), shape: { layers: 24, kvHeads: 2, headDim: 64 }, gatewayAlias: 'qwen2.5-0.5b' }).gatewayAlias).toBe(
      'qwen2.5-0.5b',
    );
    expect(issues({ schemaVersion: 1, models: [{ ...hub(), shape: { layers: 24, kvHeads: 0, headDim: 64 } }] })[0]).toMatch(
      /^models\[0\]\.shape\.kvHeads: /,
    );
    expect(issues({ schemaVersion: 1, models: [{ ...hub(), gatewayAlias: '' }] })[0]).toMatch(/^models\[0\]\.gatewayAlias: /);
  });
});

describe('minRamGb', () => {
  it('is optional, and when given a positive number of gigabytes; errors name the field', () => {
    expect(parseModel(hub()).minRamGb).toBeUndefined();
    expect(parseModel({ ...hub(), minRamGb: 0.5 }).minRamGb).toBe(0.5);
    expect(issues(catalog({ ...hub(), minRamGb: 0 }))).toEqual(['models[0].minRamGb: must be more than 0 (leave it out when unknown)']);
    expect(issues(catalog(bundled(), { ...hub(), minRamGb: '8 GB' }))).toEqual(['models[1].minRamGb: must be a number of gigabytes']);
  });

  it('is stated for every model of the shipped catalog', () => {
    const missing = readCatalog()
      .models.filter((m) => m.minRamGb === undefined)
      .map((m) => m.id);
    expect(missing).toEqual([]);
  });
});

describe('parseModel', () => {
  it('validates one entry with paths relative to it', () => {
    expect(parseModel(hub()).id).toBe('hub-model');
    const m = bundled();
    variantFile(m)['sha256'] = 'xyz';
    expect(() => parseModel(m)).toThrow('variants[0].files[0].sha256: must be 64 lowercase hex characters');
  });
});

describe('task (what a model does) and embedding models', () => {
  const embed = (): Record<string, unknown> => ({
    ...bundled('embed'),
    tasks: undefined,
    task: 'feature-extraction',
    embedding: { dimensions: 128, pooling: 'mean', normalize: true },
  });

  it('accepts an embedding model with its vectors described, and leaves chat models without a task', () => {
    const catalog = parseCatalog({ schemaVersion: 1, models: [bundled('chat'), embed()] });
    expect(catalog.models.map((m) => [m.task, m.tasks, m.embedding])).toEqual([
      [undefined, ['chat'], undefined],
      ['feature-extraction', [], { dimensions: 128, pooling: 'mean', normalize: true }],
    ]);
  });

  it('names the field and the allowed values for an unknown task or pooling', () => {
    expect(issues({ schemaVersion: 1, models: [{ ...bundled(), task: 'embeddings' }] })).toEqual([
      'models[0].task: must be one of "text-generation", "feature-extraction"',
    ]);
    expect(issues({ schemaVersion: 1, models: [{ ...embed(), embedding: { dimensions: 128, pooling: 'max', normalize: true } }] })).toEqual(
      ['models[0].embedding.pooling: must be one of "mean", "cls", "first_token", "eos", "last_token"'],
    );
  });

  it('wants an embedding model described, a chat model with a task, and no embedding block on a chat model', () => {
    expect(issues({ schemaVersion: 1, models: [{ ...embed(), embedding: undefined }] })).toEqual([
      'models[0].embedding: an embedding model needs its vectors described: dimensions, pooling, normalize',
    ]);
    expect(issues({ schemaVersion: 1, models: [{ ...bundled(), tasks: [] }] })).toEqual([
      'models[0].tasks: a chat model needs at least one task',
    ]);
    expect(
      issues({ schemaVersion: 1, models: [{ ...bundled(), embedding: { dimensions: 8, pooling: 'cls', normalize: false } }] }),
    ).toEqual(['models[0].embedding: only an embedding model (task "feature-extraction") has one']);
  });

  it('refuses an embedding model on a gateway: embeddings are computed in the browser', () => {
    const gateway = {
      ...embed(),
      source: { kind: 'gateway', alias: 'e' },
      parameters: null,
      contextLength: null,
      files: [],
      variants: [],
    };
    expect(issues({ schemaVersion: 1, models: [gateway] })).toEqual([
      'models[0].task: an embedding model must run in the browser (bundled, hub or local source)',
    ]);
  });
});
