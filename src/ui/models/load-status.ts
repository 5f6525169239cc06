import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { LoadPhases } from '../../engine/engine-types';
import { formatMs } from '../../metrics/answer-metrics';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';
import './load-progress';
import './measure-progress';
import './recovery-offers';
import type { RecoverEvent } from './recovery-offers';

/** "files 1.52 s (from the cache) · session 410 ms · warm-up 180 ms", or nothing for a gateway. */
function loadBreakdown(phases: LoadPhases | undefined): string | typeof nothing {
  if (!phases) return nothing;
  const files = `files ${formatMs(phases.filesMs)}${phases.fromCache ? ' (from the cache)' : ''}`;
  return `${files} · session ${formatMs(phases.sessionMs)} · warm-up ${formatMs(phases.warmUpMs)}`;
}

/**
 * The load of the primary slot's model, under the model panel: progress with Cancel, an error with
 * the recovery offers and Try again, or what it is ready on. A second slot's panel would give
 * this element its slot as a property.
 */
@customElement('load-status')
export class LoadStatus extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.models.primary, app.catalog, app.settings]);

  protected override render() {
    const slot = this.app.value?.models.primary;
    const model = slot?.selected;
    if (!slot || !model) return nothing;
    const load = slot.load;
    if (load.kind === 'loading' && load.modelId === model.id && load.measuring) {
      return html`<measure-progress .step=${load.measuring}></measure-progress>
        ${load.progress ? html`<load-progress .progress=${load.progress}></load-progress>` : nothing}
        <div class="actions">
          <button class="ghost small cancel" @click=${() => slot.skipMeasuring()}>Skip measuring</button>
          <button class="ghost small cancel" @click=${() => slot.cancelLoad()}>Cancel</button>
        </div>`;
    }
    if (load.kind === 'loading' && load.modelId === model.id) {
      return html`<load-progress .progress=${load.progress}></load-progress>
        <button class="ghost small cancel" @click=${() => slot.cancelLoad()}>Cancel</button>`;
    }
    if (load.kind === 'error' && load.modelId === model.id) {
      const offers = load.recovery ?? [];
      return html`<div class="error" role="alert">
        <p>${load.message}</p>
        <div class="actions">
          <recovery-offers .offers=${offers} @recover=${(e: RecoverEvent) => slot.recover(e.offer)}></recovery-offers>
          <button @click=${() => void slot.selectModel(model.id, { download: true })}>Try again${offers.length ? ' as before' : ''}</button>
        </div>
      </div>`;
    }
    if (load.kind === 'ready' && load.route.model.id === model.id) {
      const r = load.route;
      return html`<p class="ready">
          <span class="dot" aria-hidden="true"></span>
          <span title=${loadBreakdown(r.loaded.phases)}
            >Ready on <b>${r.loaded.detail}</b> · ${r.loaded.dtype} · loaded in ${formatMs(r.loaded.loadMs)}</span
          >
        </p>
        ${r.plan?.measured ? html`<p class="measured">Picked by measurement: ${r.plan.measured}</p>` : nothing}`;
    }
    return nothing;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .ready {
        display: flex;
        gap: 6px;
        align-items: baseline;
        margin: 10px 0 0;
        line-height: 1.4;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--success);
        flex: none;
        transform: translateY(-1px);
      }
      .error {
        color: var(--danger);
        margin-top: 10px;
      }
      .error p {
        margin: 0 0 6px;
      }
      .error .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .error button:not(.primary) {
        color: var(--text);
      }
      load-progress,
      measure-progress {
        margin-top: 10px;
      }
      .measured {
        margin: 4px 0 0 14px;
        color: var(--muted);
        font-size: 0.92em;
      }
      .actions {
        display: flex;
        gap: 4px;
      }
      .small {
        padding: 2px 8px;
        font-size: 0.9em;
      }
      .cancel {
        margin-top: 6px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'load-status': LoadStatus;
  }
}
