/**
 * "Recommended here for <task>": the best measured target whose needs this device meets.
 *
 * The rule, in order:
 * 1. Only targets that finished the run with measured answers count.
 * 2. The model must be in the catalog and tagged for the task (`tasks`).
 * 3. A model in the browser must fit this device's memory: its catalog `minRamGb` at most what the
 *    browser reports (navigator.deviceMemory, rounded down and capped, 8 GB in most browsers). A gateway model
 *    runs on the gateway's machine, so this device's memory does not limit it. A model without
 *    `minRamGb`, or a browser that reports no memory, is not held back, and the reason says so.
 * 4. Of the rest, the highest quality on the task's scored prompts wins, compared in whole percent
 *    (a smaller difference is noise of a small prompt set, not a better model); a target without
 *    a score ranks below one with a score. Equal quality: the lower mean answer time wins, then the
 *    higher median decode rate, then the name (so the pick never depends on the order of targets).
 */
import type { CatalogModel, Task } from '../catalog/schema';
import type { BackendKind } from '../engine/engine-types';
import { formatMs, formatRate } from '../metrics/answer-metrics';
import { formatScore } from './quality';

/** One measured target as the rule sees it. */
export interface Candidate {
  key: string;
  /** "pocket-chat-1m · WASM q8" */
  label: string;
  modelId: string;
  backend: BackendKind;
  /** Whether it finished the run (status ok) with at least one measured answer. */
  finished: boolean;
  /** Quality on the task's scored prompts, 0 to 1; null when none is scored. */
  quality: number | null;
  meanTotalMs: number | null;
  decodeP50: number | null;
}

export interface Recommendation {
  task: Task;
  /** The chosen target's key and label; null when no target qualifies. */
  pick: { key: string; label: string } | null;
  /** Why, in words (the pick's name is not repeated in it). */
  reason: string;
  /** Targets the rule left out before ranking, and why. */
  excluded: { label: string; why: string }[];
}

/** The memory the browser reports, in GiB; null when it does not say. */
export interface DeviceFacts {
  memoryGiB: number | null;
}

/** From this figure up navigator.deviceMemory may be a browser's cap (8 in most, more in recent Chromium), not the device's memory. */
const REPORTED_MEMORY_CAP = 8;

function exclusion(c: Candidate, task: Task, model: CatalogModel | undefined, device: DeviceFacts): string | null {
  if (!c.finished) return 'did not finish the run';
  if (!model) return 'is not in the catalog, so its tasks and needs are unknown';
  if (!model.tasks.includes(task)) return `is not tagged for ${task} in the catalog (its tags: ${model.tasks.join(', ')})`;
  const need = model.minRamGb;
  if (c.backend !== 'gateway' && need !== undefined && device.memoryGiB !== null && device.memoryGiB < need) {
    const capped = device.memoryGiB >= REPORTED_MEMORY_CAP ? ' (browsers cap the figure they report, so it may have more)' : '';
    return `needs ${need} GB of memory, and this device reports ${device.memoryGiB} GB${capped}`;
  }
  return null;
}

const percent = (q: number | null): number | null => (q === null ? null : Math.round(q * 100));

/** Negative when `a` ranks before `b` (see rule 4). */
function compare(a: Candidate, b: Candidate): number {
  const qa = percent(a.quality);
  const qb = percent(b.quality);
  if (qa !== qb) return qa === null ? 1 : qb === null ? -1 : qb - qa;
  if (a.meanTotalMs !== b.meanTotalMs) return a.meanTotalMs === null ? 1 : b.meanTotalMs === null ? -1 : a.meanTotalMs - b.meanTotalMs;
  if (a.decodeP50 !== b.decodeP50) return a.decodeP50 === null ? 1 : b.decodeP50 === null ? -1 : b.decodeP50 - a.decodeP50;
  return a.label.localeCompare(b.label);
}

/** Why `best` ranks before `next`, in words. */
function versus(best: Candidate, next: Candidate, task: Task): string {
  const qb = percent(best.quality);
  const qn = percent(next.quality);
  if (qb !== qn) {
    const others = qn === null ? `${next.label} has no score` : `${formatScore(next.quality)} for ${next.label}`;
    const times =
      best.meanTotalMs !== null && next.meanTotalMs !== null
        ? `, answering in ${formatMs(best.meanTotalMs)} on average against ${formatMs(next.meanTotalMs)}`
        : '';
    return `the best quality for ${task} (${formatScore(best.quality)}; ${others})${times}`;
  }
  const quality =
    qb === null
      ? `no prompt for ${task} is scored, so speed decides`
      : `as good as ${next.label} for ${task} (both ${formatScore(best.quality)})`;
  if (best.meanTotalMs !== next.meanTotalMs) {
    return `${quality}, and faster: a mean answer of ${formatMs(best.meanTotalMs)} against ${formatMs(next.meanTotalMs)} for ${next.label}`;
  }
  if (best.decodeP50 !== next.decodeP50) {
    return `${quality}, with the same mean answer time as ${next.label} and a faster median decode (${formatRate(best.decodeP50)} against ${formatRate(next.decodeP50)})`;
  }
  return `${quality}, and no different from ${next.label} on any measure, so first by name`;
}

function caveats(best: Candidate, model: CatalogModel | undefined, device: DeviceFacts): string[] {
  if (best.backend === 'gateway') return ["It runs on the gateway, so this device's memory does not limit it."];
  if (device.memoryGiB === null) return ['This browser does not report its memory, so the memory need was not checked.'];
  if (model?.minRamGb === undefined) return ['The catalog states no memory need for it, so none was checked.'];
  return [`It needs ${model.minRamGb} GB of memory; this device reports ${device.memoryGiB} GB.`];
}

/** The recommendation for one task among the measured targets. */
export function recommend(
  task: Task,
  candidates: readonly Candidate[],
  catalog: readonly CatalogModel[],
  device: DeviceFacts,
): Recommendation {
  const modelOf = (c: Candidate): CatalogModel | undefined => catalog.find((m) => m.id === c.modelId);
  const excluded: Recommendation['excluded'] = [];
  const eligible: Candidate[] = [];
  for (const c of candidates) {
    const why = exclusion(c, task, modelOf(c), device);
    if (why === null) eligible.push(c);
    else excluded.push({ label: c.label, why });
  }
  const ranked = [...eligible].sort(compare);
  const best = ranked[0];
  if (!best) {
    const reason = candidates.length
      ? `No target measured here meets the needs for ${task}: ${excluded.map((e) => `${e.label} ${e.why}`).join('; ')}.`
      : 'Nothing was measured.';
    return { task, pick: null, reason, excluded };
  }
  const next = ranked[1];
  const why = next
    ? versus(best, next, task)
    : `the only target measured here that meets the needs for ${task}` +
      (best.quality === null ? '' : ` (quality ${formatScore(best.quality)})`);
  return {
    task,
    pick: { key: best.key, label: best.label },
    reason: [`${why.charAt(0).toUpperCase()}${why.slice(1)}.`, ...caveats(best, modelOf(best), device)].join(' '),
    excluded,
  };
}
