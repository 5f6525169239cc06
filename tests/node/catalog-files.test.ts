/**
 * The committed catalog describes the committed files exactly: every bundled file exists with
 * the listed size and SHA-256, every file in a model folder is listed, and the bundle stays
 * within its size budget.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxFileForDtype } from '../../src/catalog/dtypes';
import { PUBLIC_MODELS, bundledModels, readCatalog } from '../support/paths';

const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    );
}

it('the committed catalog validates', () => {
  expect(() => readCatalog()).not.toThrow();
});

for (const model of bundledModels()) {
  describe(model.id, () => {
    if (model.source.kind !== 'bundled') return;
    const folder = path.join(PUBLIC_MODELS, path.relative('models', model.source.path));
    const listed = [...model.files, ...model.variants.flatMap((v) => v.files)];

    it.each(listed.map((f) => ({ file: f.path, f })))('$file has the listed size and SHA-256', ({ f }) => {
      const data = fs.readFileSync(path.join(folder, f.path));
      expect(data.byteLength).toBe(f.bytes);
      expect(crypto.createHash('sha256').update(data).digest('hex')).toBe(f.sha256);
    });

    it('lists every file in its folder, and each variant points at its dtype file', () => {
      expect(listFiles(folder).sort()).toEqual(listed.map((f) => f.path).sort());
      for (const v of model.variants) expect(v.files.map((f) => f.path)).toContain(onnxFileForDtype(v.dtype));
    });
  });
}

it(`all bundled models together stay within ${MAX_BUNDLE_BYTES / 1024 / 1024} MB`, () => {
  const total = bundledModels()
    .flatMap((m) => [...m.files, ...m.variants.flatMap((v) => v.files)])
    .reduce((sum, f) => sum + f.bytes, 0);
  expect(total).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
});
