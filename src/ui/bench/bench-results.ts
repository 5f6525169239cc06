import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { targetLabel } from '../../bench/chart-data';
import { FEW_SAMPLES_MARK, runToMarkdown } from '../../bench/markdown';
import { formatMs, formatRate } from '../../metrics/answer-metrics';
import { runToJson, samplesToCsv } from '../../bench/report';
import { MIN_SAMPLES_P95, type Stats } from '../../bench/stats';
import { compareToNative, describeComparison, summarizeTargets, targetKey } from '../../bench/summary';
import type { BenchRun } from '../../bench/bench-types';
import { formatEnergy, formatUsd } from '../../bench/estimates';
import { formatScore, type QualitySummary } from '../../bench/quality';
import { benchHead, benchTable } from './bench-table.styles';
import { formatGrade, formatScorers, type RubricSummary } from '../../bench/rubric-summary';
import { CRITERIA } from '../../bench/rubric-types';
import '../shared/latency-bar';
import type { SelectionReport, SelectionRow } from '../../bench/selection';
import { downloadText } from '../shared/download';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';

function p95(stats: Stats) {
  const text = formatMs(stats.p95);
  return stats.p95 !== null && !stats.p95Reliable
    ? html`${text} <abbr title="fewer than ${MIN_SAMPLES_P95} samples: close to the slowest request">${FEW_SAMPLES_MARK}</abbr>`
    : text;
}

/** "exact 1/2 · facets 9/12 · length 7/7": what a quality score is made of. */
function qualityParts(q: QualitySummary): string {
  if (q.score === null) return 'no scored prompt';
  const parts = [
    q.exact.of ? `exact ${q.exact.hits}/${q.exact.of}` : '',
    q.facets.of ? `facets ${q.facets.found}/${q.facets.of}` : '',
    q.length.of ? `length ${q.length.within}/${q.length.of}` : '',
  ];
  return `${parts.filter(Boolean).join(' · ')} over ${q.scored} answer(s)`;
}

/** A target's rubric cell: the three criterion means; who graded them is in the notes under the table. */
function rubricCell(r: RubricSummary) {
  return html`<td data-col="rubric" class="sep" title="Rubric score ${formatScore(r.score)}: the three means' mean mapped onto 0–100%">
    ${CRITERIA.map((c, i) => html`${i ? html`<span class="dot">·</span>` : nothing}<span data-criterion=${c}>${formatGrade(r.means[c])}</span>`)}
  </td>`;
}

/** "Rubric of pocket-chat-1m · WASM q8: graded by hand + judge pocket-chat-3m · 4 of 6 answers on all three criteria · 2 unscored…" */
function rubricNote(label: string, answers: number, r: RubricSummary): string {
  const unscored = r.unscored ? ` · ${r.unscored} unscored by the judge (its replies are under the answers)` : '';
  return `Rubric of ${label}: graded by ${formatScorers(r.by)} · ${r.graded} of ${answers} answers on all three criteria${unscored}.`;
}

/** The per-target table of a run (speed next to quality, cost and energy), its notes, and its exports. */
@customElement('bench-results')
export class BenchResults extends LitElement {
  @property({ attribute: false }) run: BenchRun | null = null;
  /** The selection report of the same run: quality, cost and energy per target. */
  @property({ attribute: false }) selection: SelectionReport | null = null;

  private _export(kind: 'csv' | 'md' | 'json'): void {
    const run = this.run;
    if (!run) return;
    const stamp = new Date(run.startedAt).toISOString().replace(/[:.]/g, '-');
    if (kind === 'csv') downloadText(`bench-${stamp}.csv`, samplesToCsv(run.samples), 'text/csv');
    else if (kind === 'md') downloadText(`bench-${stamp}.md`, runToMarkdown(run), 'text/markdown');
    else downloadText(`bench-${stamp}.json`, runToJson(run), 'application/json');
  }

  protected override render() {
    const run = this.run;
    if (!run) return nothing;
    const summaries = summarizeTargets(run.samples);
    const problems = run.targets.filter((t) => t.status !== 'ok');
    const comparisons = compareToNative(summaries);
    const few = summaries.some((s) => s.samples > 0 && !s.ttftMs.p95Reliable);
    return html`
      <div class="head">
        <h3>
          Results <span class="muted">· ${new Date(run.startedAt).toLocaleString()}${run.finishedAt === null ? ' · running' : ''}</span>
        </h3>
        <div class="exports" role="group" aria-label="Export">
          ${icons.download}
          <button @click=${() => this._export('csv')}>CSV</button>
          <button @click=${() => this._export('md')}>Markdown</button>
          <button @click=${() => this._export('json')}>JSON</button>
        </div>
      </div>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Model · backend</th>
              <th scope="col">Samples</th>
              <th scope="col">TTFT p50</th>
              <th scope="col">TTFT p95</th>
              <th scope="col">Decode tok/s p50</th>
              <th scope="col">Total p95</th>
              <th scope="col" title="Mean time of each part of a request: hover a bar for its milliseconds">Where the time went</th>
              ${this.renderEstimateHeads()}
            </tr>
          </thead>
          <tbody>
            ${summaries.map(
              (s) =>
                html`<tr data-key=${targetKey(s)}>
                  <th scope="row">${targetLabel(s)}</th>
                  <td data-col="samples">${s.samples}${s.failed ? html` <span class="bad">(+${s.failed} failed)</span>` : nothing}</td>
                  <td data-col="ttft-p50">${formatMs(s.ttftMs.p50)}</td>
                  <td data-col="ttft-p95">${p95(s.ttftMs)}</td>
                  <td data-col="decode-p50">${formatRate(s.decodeTokensPerSec.p50)}</td>
                  <td data-col="total-p95">${p95(s.totalMs)}</td>
                  <td data-col="parts">${s.parts ? html`<latency-bar .parts=${s.parts}></latency-bar>` : '–'}</td>
                  ${this.renderEstimateCells(targetKey(s))}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${!summaries.length ? html`<p class="muted">No measured requests yet.</p>` : nothing}
      <ul class="notes">
        ${problems.map(
          (t) =>
            html`<li class=${t.status === 'failed' ? 'bad' : 'muted'} data-status=${t.status}>
              ${t.target.modelId} on ${t.target.backend}: ${t.status}${t.message ? ` — ${t.message}` : ''}
            </li>`,
        )}
        ${comparisons.map((c) => html`<li class="native">${describeComparison(c)}</li>`)}
        ${
          this.selection?.rubric
            ? this.selection.rows
                .filter((row) => row.rubric.by.length)
                .map((row) => html`<li class="muted" data-rubric=${row.key}>${rubricNote(row.label, row.summary.samples, row.rubric)}</li>`)
            : nothing
        }
        ${few ? html`<li class="muted">${FEW_SAMPLES_MARK} fewer than ${MIN_SAMPLES_P95} samples: that p95 is close to the slowest single request.</li>` : nothing}
        <li class="muted">Percentiles by linear interpolation (R-7); warm-up and failed requests are not counted.</li>
        ${
          summaries.some((s) => s.parts)
            ? html`<li class="muted">Where the time went, mean per request: <latency-legend></latency-legend></li>`
            : nothing
        }
      </ul>
    `;
  }

  /** Quality (one column per task when the scored prompts cover several), then a cost column per price and energy. */
  private renderEstimateHeads() {
    const r = this.selection;
    if (!r) return nothing;
    // Two-line heads (what, then of what) keep these columns as narrow as their numbers.
    const tasks = r.scoredTasks.length > 1 ? r.scoredTasks : [null];
    return html`${tasks.map(
      (t, i) => html`<th scope="col" class=${i === 0 ? 'sep' : ''}>Quality${t ? html`<span class="sub">${t}</span>` : nothing}</th>`,
    )}
    ${
      r.rubric
        ? html`<th scope="col" class="sep" title="Mean grade per criterion, 1 to 5: coherence · factuality · concision">
            Rubric<span class="sub">coh · fact · conc</span>
          </th>`
        : nothing
    }
    ${r.estimates.prices.map(
      (p) => html`<th scope="col" title="Estimated per 1,000 answers at ${p.name}">Cost /1k<span class="sub">${p.name}</span></th>`,
    )}
    ${
      r.estimates.deviceWatts === null
        ? nothing
        : html`<th scope="col" title="${r.estimates.deviceWatts} W × each answer's time">
            Energy<span class="sub">per answer, ${r.estimates.deviceWatts} W</span>
          </th>`
    }`;
  }

  private renderEstimateCells(key: string) {
    const r = this.selection;
    const row: SelectionRow | undefined = r?.rows.find((x) => x.key === key);
    if (!r || !row) return nothing;
    const qualities = r.scoredTasks.length > 1 ? row.taskQuality : [row.quality];
    return html`${qualities.map(
      (q, i) =>
        html`<td
          data-col=${r.scoredTasks.length > 1 ? `quality-${r.scoredTasks[i]}` : 'quality'}
          class=${i === 0 ? 'sep' : ''}
          title=${qualityParts(q)}
        >
          ${formatScore(q.score)}
        </td>`,
    )}
    ${r.rubric ? rubricCell(row.rubric) : nothing}
    ${row.costs.map((c, i) => html`<td data-col="cost-${i}">${formatUsd(c?.per1kAnswersUsd ?? null)}</td>`)}
    ${r.estimates.deviceWatts === null ? nothing : html`<td data-col="energy">${formatEnergy(row.energy?.perAnswerJ ?? null)}</td>`}`;
  }

  static override styles = [
    controls,
    benchHead,
    benchTable,
    css`
      :host {
        display: block;
      }
      abbr {
        text-decoration: none;
        color: var(--warning);
        cursor: help;
      }
      .bad {
        color: var(--danger);
      }
      .dot {
        color: var(--muted);
        margin: 0 5px;
      }
      .native {
        font-weight: 600;
      }
      .sub {
        display: block;
        max-width: 9em;
        margin-left: auto;
        overflow: hidden;
        text-overflow: ellipsis;
        font-size: 0.88em;
        font-weight: 400;
      }
      /* Quality, cost and energy: a group of their own, after the speed columns. */
      .sep {
        border-left: 1px solid var(--border);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-results': BenchResults;
  }
}
