import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import { importRunFile } from '../../bench/import';
import type { BenchRun } from '../../bench/bench-types';
import { icons } from '../shared/icons';
import { controls, filePicker } from '../shared/styles';
import { errorMessage } from '../../errors/error-message';

/** Saved runs (IndexedDB), newest first: reopen, delete, or import an exported JSON or CSV run. */
@customElement('bench-history')
export class BenchHistory extends LitElement {
  @property({ attribute: false }) session: BenchSession | undefined;
  @property({ attribute: false }) runs: readonly BenchRun[] = [];
  @property() shownId = '';
  @state() private error = '';

  private async _import(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      await this.session?.addImported(importRunFile(file.name, await file.text(), crypto.randomUUID()));
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  protected override render() {
    return html`
      <div class="head">
        <h3>Saved runs</h3>
        <label class="file" title="A run exported as JSON, or its samples exported as CSV"
          >Import<input type="file" accept="application/json,.json,text/csv,.csv" @change=${(e: Event) => void this._import(e)}
        /></label>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.runs.length ? nothing : html`<p class="muted">No saved runs yet.</p>`}
      <ul>
        ${this.runs.map((run) => {
          const models = [...new Set(run.plan.targets.map((t) => t.modelId))].join(', ');
          return html`<li class=${run.id === this.shownId ? 'current' : ''} data-run=${run.id}>
            <button class="ghost open" aria-current=${run.id === this.shownId ? 'true' : 'false'} @click=${() => this.session?.show(run)}>
              <span>${new Date(run.startedAt).toLocaleString()}</span>
              <span class="muted">${models} · ${run.plan.rounds} rounds</span>
            </button>
            <button
              class="ghost icon"
              aria-label="Delete run of ${new Date(run.startedAt).toLocaleString()}"
              @click=${() => void this.session?.remove(run.id)}
            >
              ${icons.trash}
            </button>
          </li>`;
        })}
      </ul>
    `;
  }

  static override styles = [
    controls,
    filePicker,
    css`
      :host {
        display: block;
        font-size: 0.9em;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      h3 {
        font-size: 1em;
        margin: 0;
      }
      ul {
        list-style: none;
        margin: 8px 0 0;
        padding: 0;
      }
      li {
        display: flex;
        align-items: center;
        gap: 4px;
        border-radius: 8px;
      }
      li.current {
        background: var(--surface-2);
      }
      .open {
        flex: 1;
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        text-align: left;
        min-width: 0;
      }
      .open span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 100%;
      }
      .open .muted {
        font-size: 0.9em;
      }
      .file {
        padding: 3px 10px;
      }
      .error {
        color: var(--danger);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-history': BenchHistory;
  }
}
