import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { InvalidSettingsError } from '../../engine/errors';
import type { GenerationParams, ReasoningEffort } from '../../engine/engine-types';
import { DEFAULT_PARAMS, FIELD_LABELS, LIMITS, REASONING_EFFORTS } from '../../settings/generation-settings';
import { AppWatch } from '../shared/app-watch';
import { controls, panel } from '../shared/styles';

type NumericField = Exclude<keyof GenerationParams, 'seed' | 'reasoningEffort' | 'reuseCache'>;

const HELP: Record<keyof GenerationParams, string> = {
  temperature: '0 = greedy (always the most likely token)',
  topP: 'Sample from the smallest set reaching this probability',
  topK: 'Sample from the k most likely tokens (0 = off)',
  maxNewTokens: 'Longest answer, in tokens',
  minNewTokens: 'End-of-answer is ignored until this many (0 = off)',
  repetitionPenalty: '1 = off; above 1 discourages repeats',
  seed: 'Same seed + same settings = same answer',
  // Always sent, so a model that reasons never silently runs at another effort than shown.
  reasoningEffort: 'How long a reasoning model (gpt-oss) thinks before it answers. Other models are not sent it',
  reuseCache: 'In-browser models read only the new part of a follow-up prompt; the answer is the same either way',
};

/** Sampling settings. Each field validates on change and says what is wrong beside itself. */
@customElement('settings-panel')
export class SettingsPanel extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.settings]);
  @state() private error: { field: string; message: string } | null = null;

  private _apply(patch: Partial<GenerationParams>): void {
    const settings = this.app.value?.settings;
    if (!settings) return;
    try {
      settings.setParams({ ...settings.preferences.params, ...patch });
      this.error = null;
    } catch (error) {
      if (error instanceof InvalidSettingsError) {
        this.error = { field: String(error.details['field']), message: error.message };
      } else {
        throw error;
      }
    }
  }

  private _number(field: NumericField, value: string): void {
    this._apply({ [field]: value.trim() === '' ? Number.NaN : Number(value) });
  }

  private renderField(field: NumericField, params: GenerationParams, slider: boolean) {
    const limits = LIMITS[field];
    const invalid = this.error?.field === field;
    const disabled = params.temperature === 0 && (field === 'topP' || field === 'topK');
    return html`<div class="field ${disabled ? 'dim' : ''}">
      <label for=${field}>${FIELD_LABELS[field]}</label>
      <div class="inputs">
        ${
          slider
            ? html`<input
                type="range"
                aria-label="${FIELD_LABELS[field]} slider"
                min=${limits.min}
                max=${limits.max}
                step=${limits.step}
                .value=${String(params[field] ?? 0)}
                @input=${(e: Event) => this._number(field, (e.target as HTMLInputElement).value)}
              />`
            : nothing
        }
        <input
          id=${field}
          type="number"
          inputmode="decimal"
          min=${limits.min}
          max=${limits.max}
          step=${limits.step}
          .value=${String(params[field] ?? 0)}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby="${field}-help"
          @change=${(e: Event) => this._number(field, (e.target as HTMLInputElement).value)}
        />
      </div>
      <p id="${field}-help" class=${invalid ? 'help invalid' : 'help'} role=${invalid ? 'alert' : nothing}>
        ${invalid ? this.error?.message : disabled ? 'Used when temperature is above 0' : HELP[field]}
      </p>
    </div>`;
  }

  private renderEffort(params: GenerationParams) {
    const invalid = this.error?.field === 'reasoningEffort';
    const effort = params.reasoningEffort ?? DEFAULT_PARAMS.reasoningEffort;
    return html`<div class="field">
      <label for="reasoningEffort">${FIELD_LABELS.reasoningEffort}</label>
      <div class="inputs">
        <select
          id="reasoningEffort"
          aria-describedby="reasoningEffort-help"
          aria-invalid=${invalid ? 'true' : 'false'}
          @change=${(e: Event) => this._apply({ reasoningEffort: (e.target as HTMLSelectElement).value as ReasoningEffort })}
        >
          ${REASONING_EFFORTS.map((level) => html`<option value=${level} ?selected=${level === effort}>${level}</option>`)}
        </select>
      </div>
      <p id="reasoningEffort-help" class=${invalid ? 'help invalid' : 'help'} role=${invalid ? 'alert' : nothing}>
        ${invalid ? this.error?.message : HELP.reasoningEffort}
      </p>
    </div>`;
  }

  protected override render() {
    const settings = this.app.value?.settings;
    if (!settings) return nothing;
    const params = settings.preferences.params;
    const seedInvalid = this.error?.field === 'seed';
    return html`
      <h2>Settings</h2>
      ${this.renderField('temperature', params, true)} ${this.renderField('topP', params, true)} ${this.renderField('topK', params, false)}
      ${this.renderField('maxNewTokens', params, false)} ${this.renderField('minNewTokens', params, false)}
      ${this.renderField('repetitionPenalty', params, false)}
      <div class="field">
        <label for="seed">Seed</label>
        <div class="inputs">
          <input
            id="seed"
            type="number"
            min="0"
            step="1"
            placeholder="random"
            .value=${params.seed === null ? '' : String(params.seed)}
            aria-invalid=${seedInvalid ? 'true' : 'false'}
            aria-describedby="seed-help"
            @change=${(e: Event) => {
              const v = (e.target as HTMLInputElement).value.trim();
              this._apply({ seed: v === '' ? null : Number(v) });
            }}
          />
        </div>
        <p id="seed-help" class=${seedInvalid ? 'help invalid' : 'help'} role=${seedInvalid ? 'alert' : nothing}>
          ${seedInvalid ? this.error?.message : `${HELP.seed}; empty = random`}
        </p>
      </div>
      ${this.renderEffort(params)}
      <div class="field">
        <label class="check">
          <input
            id="reuseCache"
            type="checkbox"
            .checked=${params.reuseCache !== false}
            aria-describedby="reuseCache-help"
            @change=${(e: Event) => this._apply({ reuseCache: (e.target as HTMLInputElement).checked })}
          />
          ${FIELD_LABELS.reuseCache}
        </label>
        <p id="reuseCache-help" class="help">${HELP.reuseCache}</p>
      </div>
      <button class="ghost reset" @click=${() => this._apply({ ...DEFAULT_PARAMS })}>Reset to defaults</button>
    `;
  }

  static override styles = [
    controls,
    panel,
    css`
      h2 {
        margin: 0 0 10px;
      }
      .field {
        margin-bottom: 12px;
      }
      .field.dim label {
        color: var(--muted);
      }
      label {
        display: block;
        font-weight: 600;
        margin-bottom: 4px;
      }
      label.check {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .inputs {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      input[type='range'] {
        flex: 1;
        accent-color: var(--accent);
        padding: 0;
        border: none;
        background: none;
        min-width: 0;
      }
      input[type='number'] {
        width: 90px;
        font-variant-numeric: tabular-nums;
      }
      .inputs input[type='number']:only-child,
      .inputs select {
        width: 100%;
      }
      input[aria-invalid='true'] {
        border-color: var(--danger);
      }
      .help {
        margin: 3px 0 0;
        font-size: 0.85em;
        color: var(--muted);
      }
      .help.invalid {
        color: var(--danger);
      }
      .reset {
        padding-left: 0;
        color: var(--accent);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-panel': SettingsPanel;
  }
}
