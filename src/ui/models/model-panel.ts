import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fitForModel, type ModelFit } from '../../placement/verdict';
import type { Playground } from '../../app/playground';
import { dtypeLabel } from '../../catalog/dtypes';
import { variantBytes } from '../../catalog/variants';
import { TASKS, type CatalogModel, type Dtype, type Task } from '../../catalog/schema';
import type { DevicePreference } from '../../placement/plans';
import { formatBytes, formatCount } from '../shared/format';
import { AppWatch } from '../shared/app-watch';
import { groupModels, modelLabel } from '../shared/model-label';
import { controls, panel } from '../shared/styles';
import './load-status';
import './fit-summary';
import './variant-speeds';
import './add-model-dialog';
import type { AddModelDialog } from './add-model-dialog';

/** Model choice: which model, where it runs, which variant, and its loading state. */
@customElement('model-panel')
export class ModelPanel extends LitElement {
  // The primary slot's panel; a second slot's would take its slot as a property.
  private readonly app = new AppWatch(this, (app) => [
    app.catalog,
    app.settings,
    app.measurements,
    app.models.primary,
    app.models.primary.hold,
  ]);
  @state() private task: Task | 'all' = 'all';
  @state() private onlyFitting = false;

  /** The verdict the router acts on: same choice, same speeds measured here. */
  private fit(app: Playground, model: CatalogModel): ModelFit | null {
    const prefs = app.settings.preferences;
    return fitForModel(model, app.capabilities, prefs.device, prefs.dtype, false, app.measurements.speedsFor(model));
  }

  /** The picker's models after the filters; the selected one always stays, so the select is honest. */
  private visible(app: Playground, selected: CatalogModel | undefined): CatalogModel[] {
    return app.catalog.chatModels.filter(
      (m) =>
        m.id === selected?.id ||
        ((this.task === 'all' || m.tasks.includes(this.task)) && (!this.onlyFitting || this.fit(app, m)?.verdict.level !== 'wont-fit')),
    );
  }

  /** Removes the slot's own model from the list; the slot falls back to a bundled one and loads it. */
  private async _remove(app: Playground, model: CatalogModel): Promise<void> {
    await app.catalog.removeUserModel(model.id);
    const fallback = app.models.primary.selected;
    if (fallback) void app.models.primary.selectModel(fallback.id);
  }

  // "Will not fit" leaves the router no browser run, so nothing would download: the button then
  // only asks the router, which says why or hands the model to the gateway.
  private renderConfirm(app: Playground, model: CatalogModel, fit: ModelFit | null) {
    const size = fit && fit.bytes > 0 ? ` ${formatBytes(fit.bytes)}` : '';
    return html`<div class="confirm">
      <p>Not downloaded yet. It is stored in this browser afterwards and works offline.</p>
      <button class="primary" @click=${() => void app.models.primary.selectModel(model.id, { download: true })}>
        ${fit?.verdict.level === 'wont-fit' ? 'Try anyway' : `Download${size} and load`}
      </button>
    </div>`;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return nothing;
    const slot = app.models.primary;
    const model = slot.selected;
    const prefs = app.settings.preferences;
    const held = slot.hold.heldBy !== null;
    return html`
      <div class="head">
        <h2>Model</h2>
        <button
          class="ghost small"
          ?disabled=${held}
          @click=${() => this.renderRoot.querySelector<AddModelDialog>('add-model-dialog')?.open()}
        >
          + Add a model
        </button>
      </div>
      <div class="filters">
        <label class="visually-hidden" for="task">Task</label>
        <select id="task" @change=${(e: Event) => (this.task = (e.target as HTMLSelectElement).value as Task | 'all')}>
          <option value="all" ?selected=${this.task === 'all'}>All tasks</option>
          ${TASKS.map((t) => html`<option value=${t} ?selected=${this.task === t}>${t}</option>`)}
        </select>
        <label class="check"
          ><input
            type="checkbox"
            .checked=${this.onlyFitting}
            @change=${(e: Event) => (this.onlyFitting = (e.target as HTMLInputElement).checked)}
          />
          Fits this device</label
        >
      </div>
      <label for="model">Model</label>
      <select id="model" ?disabled=${held} @change=${(e: Event) => void slot.selectModel((e.target as HTMLSelectElement).value)}>
        ${groupModels(this.visible(app, model)).map(
          ({ label, models }) =>
            html`<optgroup label=${label}>
              ${models.map((m) => {
                const added = app.catalog.userModelIds.has(m.id) ? ' (added)' : '';
                return html`<option value=${m.id} ?selected=${m.id === model?.id}>${modelLabel(m)}${added}</option>`;
              })}
            </optgroup>`,
        )}
      </select>
      ${
        model
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
              ${
                model.source.kind === 'gateway'
                  ? html`<p class="muted">Runs on the gateway set up under Settings → Gateway.</p>`
                  : html`<div class="grid">
                      <label for="device">Runs on</label>
                      <select
                        id="device"
                        ?disabled=${held}
                        @change=${(e: Event) => slot.setRunPreference({ device: (e.target as HTMLSelectElement).value as DevicePreference })}
                      >
                        <option value="auto" ?selected=${prefs.device === 'auto'}>Auto (best available)</option>
                        <option value="webgpu" ?selected=${prefs.device === 'webgpu'} ?disabled=${!app.capabilities.webgpu}>
                          WebGPU${app.capabilities.webgpu ? '' : ' (unavailable)'}
                        </option>
                        <option value="wasm" ?selected=${prefs.device === 'wasm'}>WASM (CPU)</option>
                        <option value="gateway" ?selected=${prefs.device === 'gateway'}>Gateway</option>
                      </select>
                      <label for="dtype">Variant</label>
                      <select
                        id="dtype"
                        ?disabled=${held}
                        @change=${(e: Event) => slot.setRunPreference({ dtype: (e.target as HTMLSelectElement).value as Dtype | 'auto' })}
                      >
                        <option value="auto" ?selected=${prefs.dtype === 'auto'}>Auto</option>
                        ${model.variants.map((v) => {
                          // Each variant's own verdict, so the choice is informed before anything downloads.
                          const level = fitForModel(model, app.capabilities, prefs.device, v.dtype)?.verdict.level;
                          const mark = level === 'wont-fit' ? ' · will not fit' : level === 'slow' ? ' · slow here' : '';
                          return html`<option value=${v.dtype} ?selected=${prefs.dtype === v.dtype} data-fit=${level ?? 'fits'}>
                            ${dtypeLabel(v.dtype)} · ${formatBytes(variantBytes(model, v.dtype))}${mark}
                          </option>`;
                        })}
                      </select>
                    </div>`
              }
              <fit-summary .fit=${this.fit(app, model)}></fit-summary>
              ${slot.load.kind === 'confirm' && slot.load.modelId === model.id ? this.renderConfirm(app, model, this.fit(app, model)) : nothing}
              <load-status></load-status>
              ${model.source.kind === 'gateway' ? nothing : html`<variant-speeds .model=${model} .device=${this.fit(app, model)?.device ?? null}></variant-speeds>`}
              ${model.notes ? html`<p class="notes muted">${model.notes}</p>` : nothing}
              ${
                app.catalog.userModelIds.has(model.id)
                  ? html`<button
                      class="ghost small remove"
                      aria-label="Remove ${modelLabel(model)} from the list"
                      @click=${() => void this._remove(app, model)}
                    >
                      Remove from the list
                    </button>`
                  : nothing
              }
            `
          : html`<p class="muted">No models in the catalog.</p>`
      }
      <add-model-dialog></add-model-dialog>
    `;
  }

  static override styles = [
    controls,
    panel,
    css`
      h2 {
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
      .notes {
        margin: 10px 0 0;
        font-size: 0.9em;
        line-height: 1.45;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        margin-bottom: 6px;
      }
      .head h2 {
        margin: 0;
      }
      .small {
        padding: 2px 8px;
        font-size: 0.9em;
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 8px;
        align-items: center;
        margin-bottom: 6px;
      }
      .filters select {
        width: auto;
        flex: 1 1 90px;
        min-width: 0;
      }
      .check {
        display: inline-flex;
        gap: 4px;
        align-items: center;
        white-space: nowrap;
        color: var(--muted);
      }
      .confirm p {
        margin: 10px 0 6px;
      }
      .remove {
        display: block;
        margin-top: 8px;
        padding-left: 0;
        text-align: left;
        color: var(--danger);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'model-panel': ModelPanel;
  }
}
