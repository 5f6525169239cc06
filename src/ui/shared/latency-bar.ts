import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LATENCY_PARTS, PART_LABEL, partsTotal, type LatencyPart, type LatencyParts } from '../../metrics/latency-parts';
import { formatMs } from '../../metrics/answer-metrics';

/** One colour per part, in the order they happen; the legend repeats them. */
const PART_COLOR: Record<LatencyPart, string> = {
  retrieval: '#0ea5a4',
  queue: '#94a3b8',
  prepare: '#f59e0b',
  prefill: '#6366f1',
  thinking: '#a855f7',
  decode: '#22c55e',
};

/**
 * Where an answer's time went, as one stacked bar (src/metrics/latency-parts.ts): each part's
 * width is its share of the whole; the title gives the milliseconds, <latency-legend> the colours.
 */
@customElement('latency-bar')
export class LatencyBar extends LitElement {
  @property({ attribute: false }) parts: LatencyParts | null = null;

  protected override render() {
    const parts = this.parts;
    const total = parts ? partsTotal(parts) : 0;
    if (!parts || total <= 0) return nothing;
    const seen = LATENCY_PARTS.filter((p) => parts[p] !== null && parts[p] > 0);
    const title = seen.map((p) => `${PART_LABEL[p]} ${formatMs(parts[p])}`).join(' · ');
    return html`<span class="bar" role="img" aria-label=${`Latency: ${title}`} title=${title}>
      ${seen.map((p) => html`<span class="part" data-part=${p} style="flex-grow: ${parts[p]}; background: ${PART_COLOR[p]}"></span>`)}
    </span>`;
  }

  static override styles = css`
    :host {
      display: inline-flex;
      vertical-align: middle;
    }
    .bar {
      display: flex;
      width: var(--latency-bar-width, 96px);
      height: 6px;
      border-radius: 3px;
      overflow: hidden;
      background: var(--border);
    }
    .part {
      flex-basis: 0;
      min-width: 2px;
    }
  `;
}

/** The colours of the parts, for a table of bars. */
@customElement('latency-legend')
export class LatencyLegend extends LitElement {
  protected override render() {
    return html`${LATENCY_PARTS.map((p) => html`<span><i style="background: ${PART_COLOR[p]}"></i>${PART_LABEL[p]}</span>`)}`;
  }

  static override styles = css`
    :host {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 2px 10px;
    }
    i {
      display: inline-block;
      width: 8px;
      height: 8px;
      border-radius: 2px;
      margin-right: 4px;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'latency-bar': LatencyBar;
    'latency-legend': LatencyLegend;
  }
}
