import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { LoadState } from '../app/playground';
import { dtypeLabel } from '../catalog/dtypes';
import { variantBytes } from '../catalog/fit';
import type { CatalogModel, Dtype } from '../catalog/schema';
import type { DevicePreference } from '../engine/device-policy';
import { formatBytes, formatCount } from './format';
import { PlaygroundController } from './playground-controller';
import { controls } from './shared-styles';
import './load-progress';

const SOURCE_GROUPS: { kind: CatalogModel['source']['kind']; label: string }[] = [
  { kind: 'bundled', label: 'Bundled · works offline' },
  { kind: 'hub', label: 'Hugging Face hub · in browser' },
  { kind: 'gateway', label: 'Local gateway' },
];

/** Model choice: which model, where it runs, which variant, and its loading state. */
@customElement('model-panel')
export class ModelPanel extends LitElement {
  private readonly app = new PlaygroundController(this);

  private renderState(load: LoadState, model: CatalogModel) {
    if (load.kind === 'loading' && load.modelId === model.id) {
      return html`<load-progress .progress=${load.progress}></load-progress>`;
    }
    if (load.kind === 'error' && load.modelId === model.id) {
      return html`<div class="error" role="alert">
        <p>${load.message}</p>
        <button @click=${() => void this.app.value?.selectModel(model.id)}>Try again</button>
      </div>`;
    }
    if (load.kind === 'ready' && load.route.model.id === model.id) {
      const r = load.route;
      return html`<p class="ready">
        <span class="dot" aria-hidden="true"></span>
        <span>Ready on <b>${r.loaded.detail}</b> · ${r.loaded.dtype} · loaded in ${(r.loaded.loadMs / 1000).toFixed(1)} s</span>
      </p>`;
    }
    return nothing;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return nothing;
    const model = app.selectedModel;
    const prefs = app.preferences;
    return html`
      <h2>Model</h2>
      <label for="model">Model</label>
      <select id="model" ?disabled=${app.heldBy !== null} @change=${(e: Event) => void app.selectModel((e.target as HTMLSelectElement).value)}>
        ${SOURCE_GROUPS.map(({ kind, label }) => {
          const models = app.catalog.filter((m) => m.source.kind === kind);
          return models.length
            ? html`<optgroup label=${label}>
                ${models.map((m) => html`<option value=${m.id} ?selected=${m.id === model?.id}>${m.name}</option>`)}
              </optgroup>`
            : nothing;
        })}
      </select>
      ${model
        ? html`
            <p class="facts muted">
              ${[
                model.parameters === null ? null : `${formatCount(model.parameters)} parameters`,
                model.contextLength === null ? null : `${formatCount(model.contextLength)} context`,
                model.license,
              ]
                .filter(Boolean)
                .join(' · ')}
            </p>
            ${model.source.kind === 'gateway'
              ? html`<p class="muted">Runs on the gateway set up under Settings → Gateway.</p>`
              : html`<div class="grid">
              <label for="device">Runs on</label>
              <select id="device" ?disabled=${app.heldBy !== null} @change=${(e: Event) => app.setRunPreference({ device: (e.target as HTMLSelectElement).value as DevicePreference })}>
                <option value="auto" ?selected=${prefs.device === 'auto'}>Auto (best available)</option>
                <option value="webgpu" ?selected=${prefs.device === 'webgpu'} ?disabled=${!app.capabilities.webgpu}>
                  WebGPU${app.capabilities.webgpu ? '' : ' (unavailable)'}
                </option>
                <option value="wasm" ?selected=${prefs.device === 'wasm'}>WASM (CPU)</option>
                <option value="gateway" ?selected=${prefs.device === 'gateway'}>Gateway</option>
              </select>
              <label for="dtype">Variant</label>
              <select id="dtype" ?disabled=${app.heldBy !== null} @change=${(e: Event) => app.setRunPreference({ dtype: (e.target as HTMLSelectElement).value as Dtype | 'auto' })}>
                <option value="auto" ?selected=${prefs.dtype === 'auto'}>Auto</option>
                ${model.variants.map(
                  (v) => html`<option value=${v.dtype} ?selected=${prefs.dtype === v.dtype}>
                    ${dtypeLabel(v.dtype)} · ${formatBytes(variantBytes(model, v.dtype))}
                  </option>`,
                )}
              </select>
            </div>`}
            ${this.renderState(app.load, model)}
            ${model.notes ? html`<p class="notes muted">${model.notes}</p>` : nothing}
          `
        : html`<p class="muted">No models in the catalog.</p>`}
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        font-size: 0.9em;
      }
      h2 {
        font-size: 0.72em;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
        margin: 0 0 6px;
      }
      label[for='model'] {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip: rect(0 0 0 0);
      }
      select {
        width: 100%;
      }
      .facts {
        margin: 6px 0 10px;
        font-size: 0.92em;
      }
      .grid {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 6px 10px;
        align-items: center;
      }
      .grid label {
        color: var(--muted);
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
      .notes {
        margin: 10px 0 0;
        font-size: 0.9em;
        line-height: 1.45;
      }
      load-progress {
        margin-top: 10px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'model-panel': ModelPanel;
  }
}
