import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { benchHead } from './bench-table.styles';
import { customElement, property } from 'lit/decorators.js';
import type { EstimateSettingsStore } from '../../app/estimate-settings';
import type { BenchRun } from '../../bench/bench-types';
import { rowMemoryBytes, type SelectionReport, type SelectionRow } from '../../bench/selection';
import { qualityScatter, type QualityScatter, type ScatterPoint } from '../../bench/selection-chart';
import { selectionToCsv } from '../../bench/selection-csv';
import { selectionToMarkdown } from '../../bench/selection-markdown';
import { SERIES_COLOURS } from '../shared/bench-chart';
import { downloadText } from '../shared/download';
import { formatBytes } from '../shared/format';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';
import './bench-estimates';
import '../shared/bench-chart';

const colour = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length]!;

function memory(row: SelectionRow) {
  const bytes = rowMemoryBytes(row);
  if (bytes === null) return html`<span class="muted" title=${row.resources?.notes.join('\n') ?? 'not measured in this run'}>–</span>`;
  if (row.resources?.pageMemoryBytes === null) return html`${formatBytes(bytes)} <span class="muted">gateway process</span>`;
  const gpu = row.resources?.gpuBufferBytes ?? null;
  return html`${formatBytes(bytes)} <span class="muted">page</span>${
      gpu === null
        ? nothing
        : html` + ${formatBytes(gpu)}
            <span class="muted" title="WebGPU buffers alive while it answered, counted by the inference worker">GPU</span>`
    }`;
}

function disk(row: SelectionRow) {
  const bytes = row.resources?.diskBytes ?? null;
  return bytes === null
    ? html`<span class="muted">${row.summary.backend === 'gateway' ? 'on the gateway' : '–'}</span>`
    : formatBytes(bytes);
}

/**
 * "Choose a model": what is recommended on this device per task and why, what each target
 * occupies (memory, disk, licence, needs), quality against latency, the price and power the
 * estimates use, and the selection report's exports.
 */
@customElement('bench-selection')
export class BenchSelection extends LitElement {
  @property({ attribute: false }) run: BenchRun | null = null;
  @property({ attribute: false }) report: SelectionReport | null = null;
  @property({ attribute: false }) estimates: EstimateSettingsStore | undefined;
  /** What the scatter plots, readable by tests. */
  scatter: QualityScatter | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('report')) this.scatter = this.report ? qualityScatter(this.report) : null;
  }

  private _export(kind: 'md' | 'csv'): void {
    const { run, report } = this;
    if (!run || !report) return;
    const stamp = new Date(run.startedAt).toISOString().replace(/[:.]/g, '-');
    if (kind === 'md') downloadText(`selection-${stamp}.md`, selectionToMarkdown(run, report), 'text/markdown');
    else downloadText(`selection-${stamp}.csv`, selectionToCsv(report), 'text/csv');
  }

  private renderRecommendations(report: SelectionReport) {
    return html`<ul class="picks">
      ${report.recommendations.map(
        (r) =>
          html`<li class=${r.pick ? 'pick' : 'pick none'} data-task=${r.task}>
            <div class="task">Recommended here for <b>${r.task}</b></div>
            <div class="name">${r.pick ? r.pick.label : 'No target qualifies'}</div>
            <p class="why">${r.reason}</p>
            ${
              r.pick && r.excluded.length
                ? html`<p class="left muted">Left out: ${r.excluded.map((e) => `${e.label} ${e.why}`).join('; ')}.</p>`
                : nothing
            }
          </li>`,
      )}
    </ul>`;
  }

  private renderFootprint(report: SelectionReport) {
    return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Model · backend</th>
            <th scope="col">Memory</th>
            <th scope="col">Disk</th>
            <th scope="col">Licence</th>
            <th scope="col">Needs</th>
            <th scope="col">Tasks</th>
          </tr>
        </thead>
        <tbody>
          ${report.rows.map(
            (row) =>
              html`<tr data-key=${row.key}>
                <th scope="row">${row.label}${row.recommendedFor.length ? html` <span class="badge">recommended</span>` : nothing}</th>
                <td data-col="memory">${memory(row)}</td>
                <td data-col="disk">${disk(row)}</td>
                <td data-col="licence">${row.licence ?? html`<span class="muted">unknown</span>`}</td>
                <td data-col="needs">${row.minRamGb === null ? html`<span class="muted">not stated</span>` : `${row.minRamGb} GB RAM`}</td>
                <td data-col="tasks">${row.tasks?.join(', ') ?? html`<span class="muted">unknown</span>`}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderScatter() {
    const s = this.scatter;
    if (!s?.points.length && !s?.rubricPoints.length)
      return html`<p class="muted">
        Score a prompt set to chart quality against latency: add facets or a reference answer to its prompts, or grade the answers on the
        rubric.
      </p>`;
    // One colour per target: its automatic quality a disc, its rubric score a triangle at the same time.
    const labels = [...new Set([...s.points, ...s.rubricPoints].map((p) => p.label))];
    const dataset = (p: ScatterPoint, rubric: boolean) => {
      const c = colour(labels.indexOf(p.label));
      return {
        label: rubric ? `${p.label} · rubric` : p.label,
        data: [{ x: p.x, y: p.y }],
        backgroundColor: rubric ? 'transparent' : c,
        borderColor: c,
        borderWidth: rubric ? 2 : 1,
        pointStyle: rubric ? 'triangle' : 'circle',
        pointRadius: rubric ? 7 : 6,
        pointHoverRadius: 8,
      };
    };
    return html`<bench-chart
        kind="scatter"
        heading="Quality against latency"
        xTitle="Mean answer time (ms)"
        yTitle="Quality · rubric (%)"
        yMax="100"
        .chartData=${{ datasets: [...s.points.map((p) => dataset(p, false)), ...s.rubricPoints.map((p) => dataset(p, true))] }}
      ></bench-chart>
      ${
        s.rubricPoints.length
          ? html`<p class="muted small">
              ● automatic quality (checks of the prompts) · △ rubric score: the mean 1–5 grade mapped onto 0–100%.
            </p>`
          : nothing
      }
      ${s.unplotted.length ? html`<p class="muted small">Not plotted (no scored or timed answer): ${s.unplotted.join(', ')}.</p>` : nothing}`;
  }

  protected override render() {
    const report = this.report;
    if (!report) return nothing;
    const device =
      report.deviceMemoryGiB === null
        ? 'this browser reports no memory figure'
        : `this device reports ${report.deviceMemoryGiB} GB of memory`;
    return html`
      <div class="head">
        <h3>Choose a model <span class="muted">· ${device}</span></h3>
        <div class="exports" role="group" aria-label="Export the selection report">
          ${icons.download} Selection report
          <button @click=${() => this._export('md')}>Markdown</button>
          <button @click=${() => this._export('csv')}>CSV</button>
        </div>
      </div>
      ${this.renderRecommendations(report)}
      <section class="footprint" aria-label="Footprint">${this.renderFootprint(report)}</section>
      <div class="split">
        <section aria-label="Quality against latency">${this.renderScatter()}</section>
        <section class="estimates" aria-label="Cost and energy estimates">
          <h4>Cost and energy estimates</h4>
          <bench-estimates .store=${this.estimates} .settings=${this.estimates?.settings}></bench-estimates>
        </section>
      </div>
    `;
  }

  static override styles = [
    controls,
    benchHead,
    css`
      :host {
        display: block;
      }
      .picks {
        list-style: none;
        padding: 0;
        margin: 12px 0 0;
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: 10px;
      }
      .pick {
        border: 1px solid var(--border);
        border-left: 3px solid var(--success);
        border-radius: 10px;
        padding: 10px 12px;
        background: var(--surface-2);
      }
      .pick.none {
        border-left-color: var(--border-strong);
      }
      .task {
        font-size: 0.8em;
        color: var(--muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .task b {
        color: var(--text);
      }
      .name {
        font-weight: 600;
        margin: 2px 0 4px;
      }
      .why,
      .left {
        margin: 0;
        font-size: 0.88em;
        line-height: 1.5;
      }
      .left {
        margin-top: 4px;
      }
      .footprint {
        margin-top: 14px;
      }
      .split {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 24px;
        margin-top: 18px;
        align-items: start;
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.88em;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        padding: 6px 8px;
        border-bottom: 1px solid var(--border);
        text-align: left;
        white-space: nowrap;
      }
      thead th {
        color: var(--muted);
        font-weight: 500;
      }
      tbody th {
        font-weight: 500;
      }
      .badge {
        font-size: 0.78em;
        font-weight: 500;
        color: var(--success);
        border: 1px solid currentColor;
        border-radius: 999px;
        padding: 0 6px;
        margin-left: 4px;
      }
      .small {
        font-size: 0.85em;
      }
      .estimates {
        border-left: 1px solid var(--border);
        padding-left: 20px;
      }
      h4 {
        font-size: 0.92em;
        margin: 0 0 4px;
      }
      @media (max-width: 900px) {
        .split {
          grid-template-columns: minmax(0, 1fr);
        }
        .estimates {
          border-left: none;
          padding-left: 0;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-selection': BenchSelection;
  }
}
