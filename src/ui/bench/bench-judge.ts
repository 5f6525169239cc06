import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import { DEFAULT_JUDGE_TEMPLATE, PLACEHOLDERS } from '../../bench/judge-prompt';
import type { JudgeProgress } from '../../bench/judge-runner';
import { BACKENDS, type BenchTarget } from '../../bench/bench-types';
import type { CatalogModel } from '../../catalog/schema';
import { errorMessage } from '../../errors/error-message';
import { BACKEND_LABEL, groupModels, modelLabel } from '../shared/model-label';
import { benchRowStyles } from './bench-config.styles';
import { controls } from '../shared/styles';

const encode = (t: BenchTarget): string => `${t.modelId}|${t.backend}`;

/**
 * The judge: which chat model grades the answers on the rubric (any model the playground runs,
 * in the browser or on the gateway), its prompt, shown and editable, and grading the shown run
 * now, with its progress and Stop. With a judge picked, every run is graded after its answers.
 */
@customElement('bench-judge')
export class BenchJudge extends LitElement {
  @property({ attribute: false }) session: BenchSession | undefined;
  @property({ attribute: false }) catalog: readonly CatalogModel[] = [];
  @property({ attribute: false }) judge: BenchTarget | null = null;
  @property({ attribute: false }) template = DEFAULT_JUDGE_TEMPLATE;
  @property({ attribute: false }) judging: JudgeProgress | null = null;
  @property({ type: Boolean }) running = false;
  /** Whether there is a run on screen to grade. */
  @property({ type: Boolean }) hasRun = false;
  @property({ type: Boolean }) webgpu = false;
  @state() private draft: string | null = null;
  @state() private error = '';

  private _pick(e: Event): void {
    const value = (e.target as HTMLSelectElement).value;
    const [modelId, backend] = value.split('|');
    const target = BACKENDS.find((b) => b === backend);
    this.session?.setJudge({ judge: modelId && target ? { modelId, backend: target } : null });
  }

  private _apply(template: string): void {
    try {
      this.session?.setJudge({ template });
      this.draft = null;
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private options() {
    return groupModels(this.catalog).map(
      ({ label, models }) =>
        html`<optgroup label=${label}>
          ${models.flatMap((m) =>
            BACKENDS.filter((b) => b === 'gateway' || (m.source.kind !== 'gateway' && (b === 'wasm' || this.webgpu))).map((backend) => {
              const value = encode({ modelId: m.id, backend });
              return html`<option value=${value} ?selected=${this.judge !== null && encode(this.judge) === value}>
                ${modelLabel(m)} · ${BACKEND_LABEL[backend]}
              </option>`;
            }),
          )}
        </optgroup>`,
    );
  }

  private renderStatus() {
    const j = this.judging;
    if (j)
      return html`<progress max=${Math.max(j.total, 1)} .value=${j.done} aria-label="Judge progress"></progress>
        <span class="status" role="status">${j.total ? `${j.done} / ${j.total} answers graded` : 'loading the judge'}</span>
        <button class="danger" @click=${() => this.session?.cancel()}>Stop</button>`;
    return html`<button ?disabled=${!this.judge || !this.hasRun || this.running} @click=${() => void this.session?.judgeShown()}>
        Grade the shown run
      </button>
      <span class="muted">${this.judge ? 'and every run after its answers' : 'or grade the answers by hand in the results'}</span>`;
  }

  protected override render() {
    const draft = this.draft ?? this.template;
    return html`
      <div class="row">
        <h3>Judge</h3>
        <label class="visually-hidden" for="judge">Judge model</label>
        <select id="judge" name="judge" ?disabled=${this.running} @change=${(e: Event) => this._pick(e)}>
          <option value="" ?selected=${this.judge === null}>None: grade by hand</option>
          ${this.options()}
        </select>
        ${this.renderStatus()}
      </div>
      <details>
        <summary>Judge's prompt <span class="muted">· temperature 0, seed 0, a few dozen tokens per answer</span></summary>
        <p class="hint muted">
          ${PLACEHOLDERS.question}, ${PLACEHOLDERS.reference} and ${PLACEHOLDERS.answer} are replaced for each answer. The reply is read for
          “Coherence: n”, “Factuality: n”, “Concision: n” (1–5), or three grades on one line; anything else leaves the answer unscored, with
          the reply kept.
        </p>
        <label class="visually-hidden" for="judge-template">Judge's prompt template</label>
        <textarea
          id="judge-template"
          rows="12"
          spellcheck="false"
          .value=${draft}
          ?disabled=${this.running}
          @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <div class="row">
          <button ?disabled=${this.running || this.draft === null} @click=${() => this._apply(draft)}>Apply</button>
          <button ?disabled=${this.running || this.template === DEFAULT_JUDGE_TEMPLATE} @click=${() => this._apply(DEFAULT_JUDGE_TEMPLATE)}>
            Reset to default
          </button>
          ${this.draft !== null ? html`<span class="muted">not applied yet</span>` : nothing}
        </div>
      </details>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  static override styles = [
    controls,
    benchRowStyles,
    css`
      :host {
        display: block;
        margin-top: 14px;
        padding-top: 12px;
        border-top: 1px solid var(--border);
        font-size: 0.92em;
      }
      select {
        max-width: 320px;
      }
      progress {
        flex: 1;
        min-width: 120px;
        max-width: 240px;
        accent-color: var(--accent);
      }
      .status {
        font-variant-numeric: tabular-nums;
      }
      details {
        margin-top: 8px;
      }
      summary {
        cursor: pointer;
        color: var(--muted);
      }
      .hint {
        margin: 8px 0 0;
        font-size: 0.9em;
        line-height: 1.5;
      }
      textarea {
        display: block;
        box-sizing: border-box;
        width: 100%;
        margin: 8px 0;
        font-family: var(--mono);
        font-size: 0.9em;
        resize: vertical;
      }
      .muted {
        color: var(--muted);
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
    'bench-judge': BenchJudge;
  }
}
