import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProbeStep } from '../../app/variant-probe';
import { formatRate } from '../../metrics/answer-metrics';

/** The variant measurement before a load: which variant, how far, and the speeds so far. */
@customElement('measure-progress')
export class MeasureProgress extends LitElement {
  /** The measurement's latest step (src/app/variant-probe.ts); nothing is shown for null. */
  @property({ attribute: false }) step: ProbeStep | null = null;

  protected override render() {
    const s = this.step;
    if (!s) return nothing;
    const where = s.device === 'wasm' ? 'this CPU' : 'this GPU';
    const percent = ((s.index + (s.phase === 'decoding' ? 0.5 : 0)) / s.total) * 100;
    const done = s.results.map((r) => `${r.dtype} ${r.decodeTokensPerSec === null ? 'failed' : formatRate(r.decodeTokensPerSec)}`);
    return html`<div class="label">
        <span>Measuring variants on ${where} · <b>${s.dtype}</b> (${s.index + 1} of ${s.total})</span>
        <span class="phase">${s.phase === 'loading' ? 'loading' : 'decoding'}</span>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-label="Variant measurement"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${Math.floor(percent)}
      >
        <span style="width:${percent}%"></span>
      </div>
      <div class="sub">
        ${done.length ? done.join(' · ') : 'A few decode steps each, once per device; the fastest is used from then on.'}
      </div>`;
  }

  static override styles = css`
    :host {
      display: block;
      font-size: 0.85em;
    }
    .label {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      margin-bottom: 4px;
    }
    .phase,
    .sub {
      color: var(--muted);
    }
    .bar {
      height: 6px;
      border-radius: 999px;
      background: var(--surface-2);
      overflow: hidden;
      border: 1px solid var(--border);
    }
    .bar span {
      display: block;
      height: 100%;
      background: var(--accent);
      transition: width 120ms linear;
    }
    .sub {
      margin-top: 4px;
      font-variant-numeric: tabular-nums;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'measure-progress': MeasureProgress;
  }
}
