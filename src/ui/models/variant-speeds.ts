import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Device } from '../../catalog/model-ref';
import type { CatalogModel } from '../../catalog/schema';
import { formatRate } from '../../metrics/answer-metrics';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';

/**
 * The variant measurement of the selected model on the device it runs on: each variant's decode
 * speed, which one is used, "Measure again", and whether a first load measures at all.
 */
@customElement('variant-speeds')
export class VariantSpeeds extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.measurements, app.settings, app.models.primary, app.models.primary.hold]);
  /** The model to show; a browser model (gateway models have no variants). */
  @property({ attribute: false }) model: CatalogModel | null = null;
  /** The device it runs on first here (the placement verdict's), or null when it cannot run. */
  @property({ attribute: false }) device: Device | null = null;

  protected override render() {
    const app = this.app.value;
    const { model, device } = this;
    if (!app || !model || !device || model.variants.length < 2) return nothing;
    const slot = app.models.primary;
    const prefs = app.settings.preferences;
    const record = app.measurements.get(model, device);
    const where = device === 'wasm' ? 'this CPU' : 'this GPU';
    const busy = slot.load.kind === 'loading' || slot.hold.heldBy !== null;
    const ranked = record ? [...record.results].sort((a, b) => (b.decodeTokensPerSec ?? -1) - (a.decodeTokensPerSec ?? -1)) : [];
    const fastest = ranked[0]?.decodeTokensPerSec != null ? ranked[0].dtype : null;
    return html`<div class="speeds" data-measured=${record ? 'yes' : 'no'}>
      ${
        record
          ? html`<p>
                Measured on ${where},
                ${new Date(record.measuredAt).toLocaleString()}${prefs.dtype === 'auto' ? '' : html` · <b>not used: you chose ${prefs.dtype}</b>`}
              </p>
              <ul>
                ${ranked.map(
                  (r) =>
                    html`<li data-dtype=${r.dtype} title=${r.error ?? `${r.tokens} tokens`}>
                      <span class="dtype">${r.dtype}${r.dtype === fastest ? ' ★' : ''}</span>
                      <span class="rate"
                        >${r.decodeTokensPerSec === null ? `failed: ${r.error ?? ''}` : `${formatRate(r.decodeTokensPerSec)} decode`}</span
                      >
                    </li>`,
                )}
              </ul>`
          : html`<p>Variants not measured on ${where} yet.</p>`
      }
      <div class="actions">
        <button class="small" ?disabled=${busy} @click=${() => void slot.selectModel(model.id, { measureAgain: true })}>
          ${record ? 'Measure again' : 'Measure now'}
        </button>
        <label class="check"
          ><input
            type="checkbox"
            .checked=${prefs.measureVariants}
            @change=${(e: Event) => app.settings.setMeasureVariants((e.target as HTMLInputElement).checked)}
          />
          Measure on first use</label
        >
      </div>
    </div>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        font-size: 0.88em;
      }
      .speeds {
        margin-top: 8px;
        padding: 6px 8px;
        border-radius: 8px;
        background: var(--surface-2);
      }
      p {
        margin: 0 0 4px;
        color: var(--muted);
      }
      ul {
        margin: 0 0 6px;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        font-variant-numeric: tabular-nums;
      }
      .rate {
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
      }
      .small {
        padding: 2px 8px;
        font-size: 0.95em;
      }
      .check {
        display: inline-flex;
        gap: 4px;
        align-items: center;
        color: var(--muted);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'variant-speeds': VariantSpeeds;
  }
}
