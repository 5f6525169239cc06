/**
 * The headless driver's selection report (`npm run bench -- --selection report.md`): its flags,
 * and writing the report the Benchmark tab exports, from the same run, catalog and estimates.
 *
 *   --selection FILE      write the selection report; FILE ending in .csv gets CSV, else Markdown
 *                         (repeat the flag for both)
 *   --price NAME=IN/OUT   a reference price, US dollars per million input / output tokens
 *                         (repeatable), e.g. --price "example=0.5/1.5"
 *   --watts N             the device's power while it answers, for the energy estimate
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../../src/catalog/schema';
import { parseEstimateSettings, type EstimateSettings, type ReferencePrice } from '../../src/bench/estimates';
import { buildSelection } from '../../src/bench/selection';
import { selectionToCsv } from '../../src/bench/selection-csv';
import { selectionToMarkdown } from '../../src/bench/selection-markdown';
import type { BenchRun } from '../../src/bench/bench-types';
import { errorMessage } from '../../src/errors/error-message';

/** The flags, in the shape node:util parseArgs takes. */
export const SELECTION_OPTIONS = {
  selection: { type: 'string', multiple: true },
  price: { type: 'string', multiple: true },
  watts: { type: 'string' },
} as const;

export interface SelectionFlags {
  selection?: string[] | undefined;
  price?: string[] | undefined;
  watts?: string | undefined;
}

function price(flag: string): ReferencePrice {
  const match = /^(.+)=([^/=]+)\/([^/=]+)$/.exec(flag);
  if (!match) throw new Error(`--price "${flag}": use NAME=INPUT/OUTPUT in dollars per million tokens, e.g. "example=0.5/1.5".`);
  const [, name, input, output] = match as unknown as [string, string, string, string];
  return { name: name.trim(), inputPerMTok: Number(input), outputPerMTok: Number(output) };
}

/** The estimate settings the flags give, or an Error saying which flag is wrong. */
export function estimatesFromFlags(flags: SelectionFlags): EstimateSettings {
  const prices = (flags.price ?? []).map(price);
  const deviceWatts = flags.watts === undefined ? null : Number(flags.watts);
  try {
    return parseEstimateSettings({ prices, deviceWatts });
  } catch (error) {
    // "prices[0].inputPerMTok: ..." reads as the n-th --price.
    throw new Error(`--price / --watts: ${errorMessage(error).replace(/^Invalid estimate settings: /, '')}`, { cause: error });
  }
}

/** Writes every --selection file; returns the paths written. */
export function writeSelection(run: BenchRun, flags: SelectionFlags, estimates: EstimateSettings, root: string): string[] {
  const files = flags.selection ?? [];
  if (!files.length) return [];
  const catalog = parseCatalog(JSON.parse(fs.readFileSync(path.join(root, 'public', 'models', 'models.json'), 'utf8')));
  const report = buildSelection(run, catalog.models, estimates);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, file.toLowerCase().endsWith('.csv') ? selectionToCsv(report) : selectionToMarkdown(run, report));
  }
  return files;
}
