/**
 * The selection report of a run: per model and backend, everything a choice weighs (latency,
 * decode rate, quality, memory, disk, licence, estimated cost and energy), and per task the target
 * recommended here, with the reason. Pure: the UI and `npm run bench` export the same report from
 * the same run, catalog and estimate settings.
 */
import type { CatalogModel, Task } from '../catalog/schema';
import { targetLabel } from './chart-data';
import { estimateCost, estimateEnergy, type CostEstimate, type EnergyEstimate, type EstimateSettings } from './estimates';
import { DEFAULT_TASK, NO_QUALITY, promptTask, qualityByTarget, scoredTasks, type QualitySummary } from './quality';
import { recommend, type Candidate, type Recommendation } from './recommend';
import type { Stats } from './stats';
import { summarizeTargets, targetKey, type TargetSummary } from './summary';
import type { BenchRun, BenchSample, TargetResources } from './bench-types';
import { hasRubric, NO_RUBRIC, rubricByTarget, type RubricSummary } from './rubric-summary';

/** One model on one backend (and dtype), as the report shows it. */
export interface SelectionRow {
  key: string;
  label: string;
  summary: TargetSummary;
  /** Over every scored prompt of the run. */
  quality: QualitySummary;
  /** Per task of the scored prompts, in the order of `SelectionReport.scoredTasks`. */
  taskQuality: QualitySummary[];
  /** The 1–5 rubric of its answers, by hand or by a judge (rubric-summary.ts). */
  rubric: RubricSummary;
  resources: TargetResources | null;
  /** From the catalog; null when the model is not in it. */
  licence: string | null;
  minRamGb: number | null;
  tasks: readonly Task[] | null;
  /** One per reference price, in the settings' order. */
  costs: (CostEstimate | null)[];
  energy: EnergyEstimate | null;
  /** Tasks this row is recommended for. */
  recommendedFor: Task[];
}

export interface SelectionReport {
  rows: SelectionRow[];
  /** The tasks the run's scored prompts cover (quality is given per task when there are several). */
  scoredTasks: Task[];
  /** Whether any answer of the run is graded on the rubric (the reports then show its columns). */
  rubric: boolean;
  recommendations: Recommendation[];
  estimates: EstimateSettings;
  /** Memory the browser reported (GiB), null when it did not. */
  deviceMemoryGiB: number | null;
}

/** The measured, successful answers of each target. */
function answersByTarget(samples: readonly BenchSample[]): Map<string, BenchSample[]> {
  const out = new Map<string, BenchSample[]>();
  for (const s of samples) if (!s.warmup && s.error === null) out.set(targetKey(s), [...(out.get(targetKey(s)) ?? []), s]);
  return out;
}

/** The tasks to recommend for: those of the run's prompts, in order (untagged prompts are chat). */
export function runTasks(run: Pick<BenchRun, 'plan'>): Task[] {
  const tasks = [...new Set(run.plan.prompts.map(promptTask))];
  return tasks.length ? tasks : [DEFAULT_TASK];
}

function finished(run: BenchRun, s: TargetSummary): boolean {
  const result = run.targets.find((t) => t.target.modelId === s.modelId && t.target.backend === s.backend && t.dtype === s.dtype);
  // A CSV import knows no statuses beyond what its rows say; its targets are as their samples.
  return (result?.status ?? 'ok') === 'ok' && s.samples > 0;
}

function candidate(run: BenchRun, s: TargetSummary, quality: Map<string, QualitySummary>): Candidate {
  return {
    key: targetKey(s),
    label: targetLabel(s),
    modelId: s.modelId,
    backend: s.backend,
    finished: finished(run, s),
    quality: quality.get(targetKey(s))?.score ?? null,
    meanTotalMs: s.totalMs.mean,
    decodeP50: s.decodeTokensPerSec.p50,
  };
}

/** The whole report of a run. */
export function buildSelection(run: BenchRun, catalog: readonly CatalogModel[], estimates: EstimateSettings): SelectionReport {
  const summaries = summarizeTargets(run.samples);
  const answers = answersByTarget(run.samples);
  const deviceMemoryGiB = run.environment.deviceMemoryGiB ?? null;
  const recommendations = runTasks(run).map((task) => {
    const quality = qualityByTarget(run, task);
    return recommend(
      task,
      summaries.map((s) => candidate(run, s, quality)),
      catalog,
      { memoryGiB: deviceMemoryGiB },
    );
  });
  const overall = qualityByTarget(run);
  const tasks = scoredTasks(run.plan.prompts);
  const byTask = tasks.map((task) => qualityByTarget(run, task));
  const rubrics = rubricByTarget(run);
  const rows = summaries.map((s): SelectionRow => {
    const key = targetKey(s);
    const mine = answers.get(key) ?? [];
    const model = catalog.find((m) => m.id === s.modelId);
    const result = run.targets.find((t) => t.target.modelId === s.modelId && t.target.backend === s.backend && t.dtype === s.dtype);
    return {
      key,
      label: targetLabel(s),
      summary: s,
      quality: overall.get(key) ?? NO_QUALITY,
      taskQuality: byTask.map((q) => q.get(key) ?? NO_QUALITY),
      rubric: rubrics.get(key) ?? NO_RUBRIC,
      resources: result?.resources ?? null,
      licence: model?.license ?? null,
      minRamGb: model?.minRamGb ?? null,
      tasks: model?.tasks ?? null,
      costs: estimates.prices.map((price) => estimateCost(mine, price)),
      energy: estimates.deviceWatts === null ? null : estimateEnergy(mine, estimates.deviceWatts),
      recommendedFor: recommendations.filter((r) => r.pick?.key === key).map((r) => r.task),
    };
  });
  return { rows, scoredTasks: tasks, rubric: hasRubric(run), recommendations, estimates, deviceMemoryGiB };
}

/** The memory figure of a row: the page's for a browser target, the gateway process's for a gateway one. */
export function rowMemoryBytes(row: SelectionRow): number | null {
  return row.resources?.pageMemoryBytes ?? row.resources?.gatewayRssBytes ?? null;
}

/** Whether a percentile rests on too few samples to describe a tail (see stats.ts). */
export function fewSamples(stats: Stats): boolean {
  return stats.p95 !== null && !stats.p95Reliable;
}
