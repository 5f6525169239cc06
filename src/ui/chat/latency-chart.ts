import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { recentLatency, type RecentLatency } from '../../bench/recent';
import { SERIES_COLOURS, type BenchChart } from '../shared/bench-chart';
import { AppWatch } from '../shared/app-watch';
import { modelLabel } from '../shared/model-label';
import { panel } from '../shared/styles';
import '../shared/bench-chart';

/** "This model": TTFT and decode speed of the selected model's recent answers, live. */
@customElement('latency-chart')
export class LatencyChart extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.chats, app.catalog, app.settings]);
  /** What is plotted, readable by tests; null before the first measured answer. */
  chartData: RecentLatency | null = null;
  // Redrawn only when a new answer is measured, not on every streamed token: the charts get the
  // same objects until then (a new object is a Chart.js update, several ms a frame).
  private signature = '';
  private ttft: BenchChart['chartData'] | null = null;
  private decode: BenchChart['chartData'] | null = null;

  protected override render() {
    const app = this.app.value;
    const model = app?.models.primary.selected;
    if (!app || !model) return nothing;
    const data = recentLatency(app.chats.conversations, model.id);
    const label = modelLabel(model);
    const signature = JSON.stringify([label, data]);
    if (signature !== this.signature) {
      this.signature = signature;
      this.chartData = data.labels.length ? data : null;
      this.ttft = {
        labels: data.labels,
        datasets: [{ label, data: data.ttftMs, borderColor: SERIES_COLOURS[0], backgroundColor: SERIES_COLOURS[0] }],
      };
      this.decode = {
        labels: data.labels,
        datasets: [{ label, data: data.decodeTokensPerSec, borderColor: SERIES_COLOURS[1], backgroundColor: SERIES_COLOURS[1] }],
      };
    }
    const d = this.chartData;
    return html`<h2>This model</h2>
      ${
        d
          ? html`<bench-chart kind="line" heading="Time to first token" xTitle="Answer" yTitle="ms" .chartData=${this.ttft}></bench-chart>
              <bench-chart kind="line" heading="Decode speed" xTitle="Answer" yTitle="tokens/s" .chartData=${this.decode}></bench-chart>`
          : html`<p class="muted">Latency of each answer from ${label} appears here as you chat.</p>`
      }`;
  }

  static override styles = [
    panel,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      h2 {
        margin: 0;
      }
      p {
        margin: 0;
        color: var(--muted);
      }
      bench-chart {
        --chart-height: 150px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'latency-chart': LatencyChart;
  }
}
