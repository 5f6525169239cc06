import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadState, ModelSlot } from '../../app/model-slot';
import type { CatalogModel } from '../../catalog/schema';
import type { DevicePreference } from '../../placement/plans';
import { variantBytes } from '../../catalog/variants';
import { formatMs } from '../../metrics/answer-metrics';
import { formatBytes } from '../shared/format';
import { groupModels, modelLabel } from '../shared/model-label';
import { controls } from '../shared/styles';
import '../models/load-progress';

/**
 * One compare column's model: which model, where it runs, and its load, in a few lines. The
 * column's slot is its own (compare-session.ts); `load` is passed beside it so a new load state
 * re-renders this element.
 */
@customElement('compare-lane')
export class CompareLane extends LitElement {
  @property({ attribute: false }) modelSlot!: ModelSlot;
  @property({ attribute: false }) load: LoadState = { kind: 'idle' };
  @property({ attribute: false }) models: readonly CatalogModel[] = [];
  /** "A", "Draft", "Refine". */
  @property() column = '';
  @property({ type: Boolean }) webgpu = false;
  /** A comparison is running: the model cannot change under it. */
  @property({ type: Boolean }) busy = false;

  private renderStatus(model: CatalogModel) {
    const load = this.load;
    if (load.kind === 'loading' && load.modelId === model.id) {
      return html`<load-progress .progress=${load.progress}></load-progress>
        <button class="ghost small" @click=${() => this.modelSlot.cancelLoad()}>Cancel</button>`;
    }
    if (load.kind === 'confirm' && load.modelId === model.id) {
      const bytes = Math.min(...model.variants.map((v) => variantBytes(model, v.dtype)));
      return html`<p class="status">
        Not downloaded yet.
        <button class="primary small" @click=${() => void this.modelSlot.selectModel(model.id, { download: true })}>
          Download ${formatBytes(bytes)}
        </button>
      </p>`;
    }
    if (load.kind === 'error' && load.modelId === model.id) {
      return html`<p class="status error" role="alert">
        ${load.message}
        <button class="small" @click=${() => void this.modelSlot.selectModel(model.id, { download: true })}>Try again</button>
      </p>`;
    }
    if (load.kind === 'ready' && load.route.model.id === model.id) {
      const r = load.route;
      return html`<p class="status ready" title=${r.reason}>
        <span class="dot" aria-hidden="true"></span>${r.loaded.detail} · ${r.loaded.dtype} · loaded in ${formatMs(r.loaded.loadMs)}
      </p>`;
    }
    return html`<p class="status muted">
      Not loaded. <button class="small" @click=${() => void this.modelSlot.selectModel(model.id)}>Load</button>
    </p>`;
  }

  protected override render() {
    const slot = this.modelSlot;
    const model = slot.selected;
    const choice = slot.runChoice.device;
    return html`<div class="lane">
      <div class="row">
        <span class="column">${this.column}</span>
        <label class="visually-hidden" for="model">Model of column ${this.column}</label>
        <select id="model" ?disabled=${this.busy} @change=${(e: Event) => void slot.selectModel((e.target as HTMLSelectElement).value)}>
          ${groupModels(this.models).map(
            ({ label, models }) =>
              html`<optgroup label=${label}>
                ${models.map((m) => html`<option value=${m.id} ?selected=${m.id === model?.id}>${modelLabel(m)}</option>`)}
              </optgroup>`,
          )}
        </select>
        ${
          model && model.source.kind !== 'gateway'
            ? html`<label class="visually-hidden" for="device">Column ${this.column} runs on</label>
                <select
                  id="device"
                  class="device"
                  ?disabled=${this.busy}
                  @change=${(e: Event) => slot.setRunPreference({ device: (e.target as HTMLSelectElement).value as DevicePreference })}
                >
                  <option value="auto" ?selected=${choice === 'auto'}>Auto</option>
                  <option value="webgpu" ?selected=${choice === 'webgpu'} ?disabled=${!this.webgpu}>WebGPU</option>
                  <option value="wasm" ?selected=${choice === 'wasm'}>WASM</option>
                  <option value="gateway" ?selected=${choice === 'gateway'}>Gateway</option>
                </select>`
            : nothing
        }
      </div>
      ${model ? this.renderStatus(model) : html`<p class="status muted">No models in the catalog.</p>`}
    </div>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .row {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .column {
        font-weight: 650;
        min-width: 1.5em;
        color: var(--accent);
      }
      select {
        min-width: 0;
        flex: 1;
      }
      select.device {
        flex: none;
        width: auto;
      }
      .status {
        margin: 8px 0 0;
        font-size: 0.9em;
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
        line-height: 1.4;
      }
      .muted {
        color: var(--muted);
      }
      .error {
        color: var(--danger);
      }
      .error button {
        color: var(--text);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--success);
        flex: none;
      }
      .small {
        padding: 2px 8px;
        font-size: 0.9em;
      }
      load-progress {
        margin-top: 8px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-lane': CompareLane;
  }
}
