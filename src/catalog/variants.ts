/**
 * A variant's files and sizes, read off a catalog entry: what one dtype downloads. Facts of the
 * data, shown by the UI and weighed by the placement rules (src/placement/).
 */
import type { CatalogFile, CatalogModel, Dtype } from './schema';

/** The files one dtype needs: the shared ones (config, tokenizer) first, then the variant's own. */
export function variantFiles(model: Pick<CatalogModel, 'files' | 'variants'>, dtype: Dtype): CatalogFile[] {
  const variant = model.variants.find((v) => v.dtype === dtype);
  return [...model.files, ...(variant?.files ?? [])];
}

/** Bytes downloaded for one dtype: the shared files plus the variant's own. */
export function variantBytes(model: Pick<CatalogModel, 'files' | 'variants'>, dtype: Dtype): number {
  return variantFiles(model, dtype).reduce((n, f) => n + f.bytes, 0);
}

/** The biggest single file of a variant (0 for a dtype the model lacks). */
export function largestFileBytes(model: Pick<CatalogModel, 'variants'>, dtype: Dtype): number {
  const files = model.variants.find((v) => v.dtype === dtype)?.files ?? [];
  return Math.max(0, ...files.map((f) => f.bytes));
}
