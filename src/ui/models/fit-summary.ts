import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { dtypeLabel } from '../../catalog/dtypes';
import type { ModelFit } from '../../placement/verdict';
import { formatBytes } from '../shared/format';
import { controls } from '../shared/styles';

const VERDICT_LABEL = { fits: 'Fits this device', slow: 'Will be slow here', 'wont-fit': 'Will not fit here' } as const;

/**
 * The placement verdict for one model: fits / will be slow / will not fit, where it would run,
 * why, and what to try instead. "Will not fit" means the router has no run left to try.
 */
@customElement('fit-summary')
export class FitSummary extends LitElement {
  /** The verdict to show (placement/verdict.ts); nothing is shown for null (gateway models). */
  @property({ attribute: false }) fit: ModelFit | null = null;

  protected override render() {
    const fit = this.fit;
    if (!fit) return nothing;
    const v = fit.verdict;
    const where = fit.device
      ? `${fit.device === 'webgpu' ? 'WebGPU' : 'WASM'} · ${fit.dtype ? dtypeLabel(fit.dtype) : ''} · ${formatBytes(fit.bytes)}`
      : '';
    return html`<div class="fit ${v.level}" data-fit=${v.level}>
      <b>${VERDICT_LABEL[v.level]}</b>${where ? html`<span class="muted"> · ${where}</span>` : nothing}
      ${
        v.reasons.length
          ? html`<ul>
              ${v.reasons.map((r) => html`<li>${r}</li>`)}
            </ul>`
          : nothing
      }
      ${v.suggestion ? html`<p class="muted">Suggestion: ${v.suggestion}.</p>` : nothing}
    </div>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .fit {
        margin: 8px 0 0;
        padding: 6px 8px;
        border-radius: 8px;
        border-left: 3px solid var(--success);
        background: var(--surface-2);
        line-height: 1.4;
      }
      .fit.slow {
        border-left-color: var(--warning);
      }
      .fit.wont-fit {
        border-left-color: var(--danger);
      }
      .fit ul {
        margin: 4px 0 0;
        padding-left: 18px;
      }
      .fit p {
        margin: 4px 0 0;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'fit-summary': FitSummary;
  }
}
