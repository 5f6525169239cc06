import { progressBar } from '../shared/styles';
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

  static override styles = [
    progressBar,
    css`
      .phase,
      .sub {
        color: var(--muted);
      }
      .sub {
        margin-top: 4px;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'measure-progress': MeasureProgress;
  }
}
