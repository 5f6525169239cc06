import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { benchChartData, historyChartData, type BenchChartData, type HistoryChartData } from '../../bench/chart-data';
import type { BenchRun } from '../../bench/bench-types';
import { SERIES_COLOURS } from '../shared/bench-chart';
import '../shared/bench-chart';

const colour = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length]!;

/** The charts of one run: TTFT and decode rate per target (p50 and p95), and per-token latency. */
@customElement('bench-charts')
export class BenchCharts extends LitElement {
  @property({ attribute: false }) run: BenchRun | null = null;
  /** Saved runs, for the history chart (drawn from two runs on). */
  @property({ attribute: false }) history: readonly BenchRun[] = [];
  /** What the charts plot, readable by tests; null without a run. */
  chartData: BenchChartData | null = null;
  historyData: HistoryChartData | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('run')) this.chartData = this.run ? benchChartData(this.run) : null;
    if (changed.has('history')) {
      this.historyData = this.history.length >= 2 ? historyChartData(this.history, (r) => new Date(r.startedAt).toLocaleString()) : null;
    }
  }

  protected override render() {
    const d = this.chartData;
    if (!d?.labels.length) return nothing;
    const longest = Math.max(0, ...d.gaps.map((g) => g.values.length));
    return html`
      <bench-chart
        heading="Time to first token"
        yTitle="TTFT (ms)"
        .chartData=${{
          labels: d.labels,
          datasets: [
            { label: 'p50', data: d.ttftP50, backgroundColor: SERIES_COLOURS[0] },
            { label: 'p95', data: d.ttftP95, backgroundColor: `${SERIES_COLOURS[0]}66` },
          ],
        }}
      ></bench-chart>
      <bench-chart
        heading="Decode speed"
        yTitle="Decode (tokens/s)"
        .chartData=${{
          labels: d.labels,
          datasets: [
            { label: 'p50', data: d.decodeP50, backgroundColor: SERIES_COLOURS[1] },
            { label: 'p95', data: d.decodeP95, backgroundColor: `${SERIES_COLOURS[1]}66` },
          ],
        }}
      ></bench-chart>
      <bench-chart
        class="wide"
        kind="line"
        heading="Per-token latency over the answer (first measured answer)"
        xTitle="Token number"
        yTitle="Inter-token gap (ms)"
        .chartData=${{
          labels: Array.from({ length: longest }, (_, i) => i + 2),
          datasets: d.gaps.map((g, i) => ({
            label: g.label,
            data: g.values,
            borderColor: colour(i),
            backgroundColor: colour(i),
            pointRadius: 0,
            borderWidth: 1.5,
          })),
        }}
      ></bench-chart>
      ${
        this.historyData
          ? html`<bench-chart
              class="wide"
              kind="line"
              heading="History: median decode speed per run"
              xTitle="Run"
              yTitle="Decode p50 (tokens/s)"
              .chartData=${{
                labels: this.historyData.labels,
                datasets: this.historyData.series.map((s, i) => ({
                  label: s.label,
                  data: s.values,
                  borderColor: colour(i),
                  backgroundColor: colour(i),
                  spanGaps: true,
                })),
              }}
            ></bench-chart>`
          : nothing
      }
    `;
  }

  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 20px;
    }
    .wide {
      grid-column: 1 / -1;
    }
    @media (max-width: 700px) {
      :host {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-charts': BenchCharts;
  }
}
