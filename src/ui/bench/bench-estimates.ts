import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EstimateSettingsStore } from '../../app/estimate-settings';
import { EXAMPLE_PRICE, type EstimateSettings } from '../../bench/estimates';
import { BenchValidationError } from '../../bench/bench-types';
import { errorMessage } from '../../errors/error-message';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';

/** What the fields hold, as typed: an edit that does not validate stays on screen, with the error beside it. */
interface Draft {
  prices: { name: string; input: string; output: string }[];
  watts: string;
}

function toDraft(settings: EstimateSettings): Draft {
  return {
    prices: settings.prices.map((p) => ({ name: p.name, input: String(p.inputPerMTok), output: String(p.outputPerMTok) })),
    watts: settings.deviceWatts === null ? '' : String(settings.deviceWatts),
  };
}

const FIELD_LABELS: Record<string, string> = { name: 'name', inputPerMTok: '$ / 1M input', outputPerMTok: '$ / 1M output' };

/** "prices[1].inputPerMTok: must not be negative" -> "Price 2, $ / 1M input: must not be negative": the words on screen. */
function fieldLabel(issue: string): string {
  return issue
    .replace(/^deviceWatts:/, 'Device power:')
    .replace(/^prices\[(\d+)\]\.(\w+):/, (_, i: string, field: string) => `Price ${Number(i) + 1}, ${FIELD_LABELS[field] ?? field}:`)
    .replace(/^prices:/, 'Prices:');
}

/** An empty field is "not a number", so the error names it, rather than counting as 0. */
const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** "Example (not a real price)", "Example 2 (not a real price)": a name not in the list yet. */
function exampleName(draft: Draft): string {
  const taken = new Set(draft.prices.map((p) => p.name.trim()));
  for (let n = 1; ; n++) {
    const name = n === 1 ? EXAMPLE_PRICE.name : EXAMPLE_PRICE.name.replace('Example', `Example ${n}`);
    if (!taken.has(name)) return name;
  }
}

/** The editor of reference prices and device power that turn a run into cost and energy estimates. */
@customElement('bench-estimates')
export class BenchEstimates extends LitElement {
  @property({ attribute: false }) store: EstimateSettingsStore | undefined;
  @property({ attribute: false }) settings: EstimateSettings | undefined;
  @state() private draft: Draft = { prices: [], watts: '' };
  @state() private error = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Settings changed elsewhere (another tab's edit, or ours applied): show them as stored.
    if (changed.has('settings') && this.settings) {
      this.draft = toDraft(this.settings);
      this.error = '';
    }
  }

  private _apply(draft: Draft): void {
    this.draft = draft;
    try {
      this.store?.update({
        prices: draft.prices.map((p) => ({ name: p.name, inputPerMTok: number(p.input), outputPerMTok: number(p.output) })),
        deviceWatts: draft.watts.trim() === '' ? null : Number(draft.watts),
      });
      this.error = '';
    } catch (error) {
      this.error = error instanceof BenchValidationError ? error.issues.map(fieldLabel).join('; ') : errorMessage(error);
    }
  }

  private _edit(index: number, field: keyof Draft['prices'][number], e: Event): void {
    const value = (e.target as HTMLInputElement).value;
    this._apply({ ...this.draft, prices: this.draft.prices.map((p, i) => (i === index ? { ...p, [field]: value } : p)) });
  }

  private _add(): void {
    const name = exampleName(this.draft);
    this._apply({
      ...this.draft,
      prices: [...this.draft.prices, { name, input: String(EXAMPLE_PRICE.inputPerMTok), output: String(EXAMPLE_PRICE.outputPerMTok) }],
    });
  }

  private _remove(index: number): void {
    this._apply({ ...this.draft, prices: this.draft.prices.filter((_, i) => i !== index) });
  }

  protected override render() {
    const { prices, watts } = this.draft;
    return html`
      <p class="muted intro">
        Cost and energy are estimates from the numbers you enter here: no price is built in, none is a vendor's current price, and nothing
        is measured at the socket.
      </p>
      ${
        prices.length
          ? html`<table>
              <thead>
                <tr>
                  <th scope="col">Reference</th>
                  <th scope="col">$ / 1M input</th>
                  <th scope="col">$ / 1M output</th>
                  <th scope="col"><span class="visually-hidden">Remove</span></th>
                </tr>
              </thead>
              <tbody>
                ${prices.map(
                  (p, i) =>
                    html`<tr>
                      <td>
                        <input
                          aria-label="Name of reference price ${i + 1}"
                          name="price-name"
                          .value=${p.name}
                          @change=${(e: Event) => this._edit(i, 'name', e)}
                        />
                      </td>
                      <td>
                        <input
                          type="number"
                          min="0"
                          step="0.01"
                          aria-label="Dollars per million input tokens, ${p.name}"
                          name="price-input"
                          .value=${p.input}
                          @change=${(e: Event) => this._edit(i, 'input', e)}
                        />
                      </td>
                      <td>
                        <input
                          type="number"
                          min="0"
                          step="0.01"
                          aria-label="Dollars per million output tokens, ${p.name}"
                          name="price-output"
                          .value=${p.output}
                          @change=${(e: Event) => this._edit(i, 'output', e)}
                        />
                      </td>
                      <td>
                        <button class="ghost icon" aria-label="Remove ${p.name}" @click=${() => this._remove(i)}>${icons.trash}</button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">No reference price: cost is not estimated.</p>`
      }
      <div class="row">
        <button class="add" ?disabled=${prices.length >= 8} @click=${() => this._add()}>${icons.plus} Add a reference price</button>
        <label class="watts">
          <span>Device power while answering</span>
          <input
            type="number"
            min="1"
            step="1"
            name="watts"
            placeholder="not set"
            .value=${watts}
            @change=${(e: Event) => this._apply({ ...this.draft, watts: (e.target as HTMLInputElement).value })}
          />
          <span class="muted">W</span>
        </label>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.store?.problem ? html`<p class="error" role="alert">${this.store.problem}</p>` : nothing}
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        font-size: 0.9em;
      }
      .intro {
        margin: 0 0 10px;
      }
      table {
        border-collapse: collapse;
      }
      th {
        text-align: left;
        font-weight: 500;
        color: var(--muted);
        font-size: 0.92em;
        padding: 0 8px 4px 0;
      }
      td {
        padding: 3px 8px 3px 0;
      }
      input[name='price-name'] {
        width: 14.5em;
      }
      input[type='number'] {
        width: 5.5em;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 16px;
        flex-wrap: wrap;
        margin-top: 10px;
      }
      .add {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .watts {
        display: inline-flex;
        align-items: center;
        gap: 8px;
      }
      .error {
        color: var(--danger);
        margin: 8px 0 0;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-estimates': BenchEstimates;
  }
}
