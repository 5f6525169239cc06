import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import type { BenchRun } from '../../bench/bench-types';
import { targetLabel } from '../../bench/chart-data';
import { questionOf } from '../../bench/judge-prompt';
import { gradedAnswers, type GradedAnswer } from '../../bench/rubric-answers';
import { CRITERIA, GRADE_MAX, GRADE_MIN, type Criterion } from '../../bench/rubric-types';
import { errorMessage } from '../../errors/error-message';
import { controls } from '../shared/styles';

const GRADES = Array.from({ length: GRADE_MAX - GRADE_MIN + 1 }, (_, i) => GRADE_MIN + i);
const CRITERION_LABEL: Record<Criterion, string> = { coherence: 'Coherence', factuality: 'Factuality', concision: 'Concision' };

/** Who graded an answer: a short line beside its grades. */
function provenance(a: GradedAnswer) {
  const r = a.rubric;
  if (!r) return html`<span class="muted">not graded</span>`;
  if (r.by === 'hand') return html`<span>by hand</span>`;
  return html`<span>judge ${r.judge}</span>${r.problem ? html` · <span class="unscored">unscored</span>` : nothing}`;
}

/** What the judge said, under the answer: its reply as text (never markup), and why it gave no grades. */
function judgeReply(a: GradedAnswer) {
  const r = a.rubric;
  if (r?.by !== 'judge') return nothing;
  return html`<details class="reply">
    <summary>Judge's reply${r.problem ? html` <span class="unscored">· unscored: ${r.problem}</span>` : nothing}</summary>
    ${r.reply === null ? nothing : html`<pre>${r.reply || '(empty)'}</pre>`}
  </details>`;
}

/**
 * Every distinct answer of the shown run next to its prompt, grouped by target, each with a
 * compact 1–5 control per rubric criterion: a click grades by hand (a second click on the same
 * grade clears it), and the judge's grades, reply and reasons show in the same place.
 */
@customElement('bench-answers')
export class BenchAnswers extends LitElement {
  @property({ attribute: false }) session: BenchSession | undefined;
  @property({ attribute: false }) run: BenchRun | null = null;
  /** A run or a judge is busy: grades cannot change meanwhile. */
  @property({ type: Boolean }) busy = false;
  @state() private error = '';

  private async _grade(a: GradedAnswer, criterion: Criterion, grade: number): Promise<void> {
    try {
      this.error = '';
      await this.session?.grade(a.key, criterion, a.rubric?.[criterion] === grade ? null : grade);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private renderGrades(a: GradedAnswer) {
    return CRITERIA.map(
      (c) =>
        html`<div class="criterion" role="group" aria-label="${CRITERION_LABEL[c]} of this answer">
          <span class="name">${CRITERION_LABEL[c]}</span>
          <span class="scale">
            ${GRADES.map(
              (g) =>
                html`<button
                  data-criterion=${c}
                  data-grade=${g}
                  aria-pressed=${a.rubric?.[c] === g ? 'true' : 'false'}
                  aria-label="${CRITERION_LABEL[c]} ${g} of ${GRADE_MAX}"
                  ?disabled=${this.busy}
                  @click=${() => void this._grade(a, c, g)}
                >
                  ${g}
                </button>`,
            )}
          </span>
        </div>`,
    );
  }

  private renderAnswer(a: GradedAnswer) {
    const rounds = a.indexes.length;
    return html`<li class="answer" data-answer=${a.key} data-prompt=${a.prompt.id}>
      <div class="text">
        <div class="question"><span class="pid">${a.prompt.id}</span> ${questionOf(a.prompt)}</div>
        <div class="output">${a.sample.output || html`<span class="muted">(empty answer)</span>`}</div>
        ${a.prompt.reference !== undefined ? html`<div class="reference muted">Reference: ${a.prompt.reference}</div>` : nothing}
        ${judgeReply(a)}
      </div>
      <div class="grades">
        ${this.renderGrades(a)}
        <div class="meta">${rounds > 1 ? html`<span class="muted">${rounds} rounds, same answer ·</span>` : nothing} ${provenance(a)}</div>
      </div>
    </li>`;
  }

  protected override render() {
    const run = this.run;
    if (!run) return nothing;
    const answers = gradedAnswers(run);
    if (!answers.length) return nothing;
    const graded = answers.filter((a) => a.rubric && CRITERIA.every((c) => a.rubric![c] !== null)).length;
    const groups = new Map<string, GradedAnswer[]>();
    for (const a of answers) groups.set(a.targetKey, [...(groups.get(a.targetKey) ?? []), a]);
    return html`<details open>
      <summary>
        <h3>Answers and rubric</h3>
        <span class="muted">· ${answers.length} answer(s), ${graded} graded on coherence, factuality and concision (1–5)</span>
      </summary>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${[...groups.values()].map(
        (list) =>
          html`<section class="target" aria-label=${targetLabel(list[0]!.sample)}>
            <h4>${targetLabel(list[0]!.sample)}</h4>
            <ol>
              ${list.map((a) => this.renderAnswer(a))}
            </ol>
          </section>`,
      )}
    </details>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin-top: 16px;
        border-top: 1px solid var(--border);
        padding-top: 12px;
      }
      summary {
        cursor: pointer;
      }
      h3 {
        display: inline;
        font-size: 1em;
        margin: 0;
      }
      .muted {
        color: var(--muted);
      }
      summary .muted {
        font-size: 0.9em;
      }
      h4 {
        font-size: 0.8em;
        font-weight: 500;
        color: var(--muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        margin: 14px 0 6px;
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .answer {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 8px 20px;
        padding: 9px 0;
        border-bottom: 1px solid var(--border);
        font-size: 0.9em;
      }
      .question {
        color: var(--muted);
        margin-bottom: 3px;
      }
      .pid {
        font-family: var(--mono);
        font-size: 0.85em;
        border: 1px solid var(--border);
        border-radius: 4px;
        padding: 0 4px;
      }
      .output {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 9em;
        overflow-y: auto;
        line-height: 1.45;
      }
      .reference {
        margin-top: 3px;
        font-size: 0.92em;
      }
      .grades {
        display: flex;
        flex-direction: column;
        gap: 3px;
        align-items: flex-end;
      }
      .criterion {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .name {
        color: var(--muted);
        font-size: 0.88em;
        min-width: 6.5em;
        text-align: right;
      }
      .scale {
        display: inline-flex;
      }
      .scale button {
        width: 26px;
        padding: 2px 0;
        border-radius: 0;
        margin-left: -1px;
        font-size: 0.86em;
        font-variant-numeric: tabular-nums;
      }
      .scale button:first-child {
        border-radius: 6px 0 0 6px;
        margin-left: 0;
      }
      .scale button:last-child {
        border-radius: 0 6px 6px 0;
      }
      .scale button[aria-pressed='true'] {
        background: var(--accent);
        border-color: var(--accent);
        color: var(--accent-contrast);
        position: relative;
      }
      .meta {
        font-size: 0.82em;
        color: var(--muted);
        white-space: nowrap;
      }
      .unscored {
        color: var(--warning);
      }
      .reply {
        margin-top: 4px;
        font-size: 0.88em;
      }
      .reply summary {
        color: var(--muted);
        list-style-position: inside;
      }
      .reply pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 8em;
        overflow-y: auto;
        margin: 4px 0 0;
        padding: 6px 8px;
        background: var(--surface-2);
        border-radius: 6px;
        font-size: 0.95em;
      }
      .error {
        color: var(--danger);
      }
      @media (max-width: 700px) {
        .answer {
          grid-template-columns: minmax(0, 1fr);
        }
        .grades {
          align-items: flex-start;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-answers': BenchAnswers;
  }
}
