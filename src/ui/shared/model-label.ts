/**
 * How a catalog model is named in every picker and list. The same model often comes twice, once
 * for the browser (a hub or bundled entry) and once as a gateway alias ("Qwen2.5 0.5B Instruct"
 * both times), so each name carries where that entry runs: "Qwen2.5 0.5B Instruct · browser" and
 * "Qwen2.5 0.5B Instruct · gateway". Lists group entries the same way, in the same order.
 */
import type { CatalogModel } from '../../catalog/schema';
import type { BackendKind } from '../../engine/engine-types';

/** Where an answer ran, as every label, chip and table heading names it. */
export const BACKEND_LABEL: Record<BackendKind, string> = { webgpu: 'WebGPU', wasm: 'WASM', gateway: 'Gateway' };

/** Where a catalog entry comes from and runs, as the user sees it. */
export type ModelHome = 'bundled' | 'browser' | 'imported' | 'gateway';

const HOME_OF: Record<CatalogModel['source']['kind'], ModelHome> = {
  bundled: 'bundled',
  hub: 'browser',
  local: 'imported',
  gateway: 'gateway',
};

/** The word after a model's name. */
export const HOME_WORD: Record<ModelHome, string> = {
  bundled: 'bundled',
  browser: 'browser',
  imported: 'imported',
  gateway: 'gateway',
};

/** The groups of a list (an <optgroup> label, a table's section heading), in the order they are shown. */
export const MODEL_GROUPS: readonly { home: ModelHome; label: string }[] = [
  { home: 'bundled', label: 'Bundled · works offline' },
  { home: 'browser', label: 'In this browser · from the Hugging Face hub' },
  { home: 'imported', label: 'Imported · on this device' },
  { home: 'gateway', label: 'On the gateway' },
];

export function modelHome(model: Pick<CatalogModel, 'source'>): ModelHome {
  return HOME_OF[model.source.kind];
}

/** "Qwen2.5 0.5B Instruct · browser", "Phi-4-mini · gateway", "Pocket Chat 1M · bundled". */
export function modelLabel(model: Pick<CatalogModel, 'name' | 'source'>): string {
  return `${model.name} · ${HOME_WORD[modelHome(model)]}`;
}

/** The non-empty groups of `models`, in MODEL_GROUPS order, each keeping the models' own order. */
export function groupModels<M extends Pick<CatalogModel, 'source'>>(
  models: readonly M[],
): { home: ModelHome; label: string; models: M[] }[] {
  return MODEL_GROUPS.map((g) => ({ ...g, models: models.filter((m) => modelHome(m) === g.home) })).filter((g) => g.models.length > 0);
}
