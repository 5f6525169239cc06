/** One chart.js chart as a Lit element; chart.js is tree-shaken to the parts the benchmark uses. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartData,
} from 'chart.js';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

// Only what the benchmark draws: the tree-shaken build stays a fraction of chart.js's full size.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Colours that read on light and dark backgrounds, one per target. */
export const SERIES_COLOURS = ['#4f46e5', '#0e9f6e', '#d97706', '#db2777', '#0891b2', '#7c3aed'];

export type BenchChartKind = 'bar' | 'line' | 'scatter';

/** A value of a bar or line chart, or a point of a scatter chart. */
export type BenchChartValue = number | null | { x: number; y: number };

/**
 * One chart.js chart with titled axes. `chartData` is kept as given, so tests can read what is
 * drawn; the Chart is created on first render, updated in place, and destroyed on disconnect.
 */
@customElement('bench-chart')
export class BenchChart extends LitElement {
  @property() kind: BenchChartKind = 'bar';
  /** The chart title, also the canvas's accessible name. */
  @property() heading = '';
  @property() xTitle = '';
  @property() yTitle = '';
  /** A fixed top of the y axis (100 for a percentage); absent: chart.js picks one. */
  @property({ type: Number }) yMax: number | undefined;
  @property({ attribute: false }) chartData: ChartData<BenchChartKind, BenchChartValue[], string | number> = { labels: [], datasets: [] };

  @query('canvas') private canvas!: HTMLCanvasElement;
  private chart: Chart<BenchChartKind, BenchChartValue[], string | number> | null = null;

  /** A creation waiting for the browser to finish the frame (see scheduleCreate). */
  private pending: { frame: number; timer: ReturnType<typeof setTimeout> | null } | null = null;

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.chart || changed.has('kind') || changed.has('yMax')) this.scheduleCreate();
    else if (changed.has('chartData')) {
      this.chart.data = structuredClone(this.chartData);
      this.chart.update();
    }
  }

  /**
   * Creates the chart in a task of its own once the next frame is drawn. Creating it reads computed
   * styles and sizes (here and inside chart.js), which forces the style and layout of everything
   * the page changed since the last frame: right after a long answer finished rendering, that made
   * creating the latency charts a 100 ms task. After the frame, style and layout are clean.
   */
  private scheduleCreate(): void {
    if (this.pending) return;
    const pending: { frame: number; timer: ReturnType<typeof setTimeout> | null } = { frame: 0, timer: null };
    pending.frame = requestAnimationFrame(() => {
      pending.timer = setTimeout(() => {
        this.pending = null;
        if (this.isConnected) this.create();
      }, 0);
    });
    this.pending = pending;
  }

  private cancelCreate(): void {
    if (!this.pending) return;
    cancelAnimationFrame(this.pending.frame);
    if (this.pending.timer !== null) clearTimeout(this.pending.timer);
    this.pending = null;
  }

  private create(): void {
    this.chart?.destroy();
    const style = getComputedStyle(this);
    const muted = style.getPropertyValue('--muted').trim() || '#5f6774';
    const grid = style.getPropertyValue('--border').trim() || '#e1e4e9';
    const axis = (title: string) => ({
      title: { display: Boolean(title), text: title, color: muted },
      ticks: { color: muted },
      grid: { color: grid },
    });
    // chart.js mutates the data it is given; the copy keeps `chartData` what the caller set.
    this.chart = new Chart<BenchChartKind, BenchChartValue[], string | number>(this.canvas, {
      type: this.kind,
      data: structuredClone(this.chartData),
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          // A scatter's x is a measurement, not a category.
          x: { ...axis(this.xTitle), ...(this.kind === 'scatter' ? { type: 'linear' as const, beginAtZero: true } : {}) },
          y: { ...axis(this.yTitle), beginAtZero: true, ...(this.yMax === undefined ? {} : { max: this.yMax }) },
        },
        plugins: { legend: { position: 'bottom', labels: { color: muted, boxWidth: 12, usePointStyle: this.kind === 'scatter' } } },
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM (disconnect + connect): the old Chart was destroyed, draw a new one.
    if (this.hasUpdated && !this.chart) this.scheduleCreate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancelCreate();
    this.chart?.destroy();
    this.chart = null;
  }

  protected override render() {
    return html`<figure>
      <figcaption>${this.heading}</figcaption>
      <div class="box"><canvas role="img" aria-label=${this.heading}></canvas></div>
    </figure>`;
  }

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: 0.85em;
      font-weight: 600;
      margin-bottom: 6px;
    }
    .box {
      position: relative;
      height: var(--chart-height, 220px);
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-chart': BenchChart;
  }
}
