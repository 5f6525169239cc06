import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ColumnAnswer, CompareRound, PipelineRound, SideBySideRound } from '../../app/compare-session';
import { pipelineLatency } from '../../compare/pipeline-latency';
import type { PairTally } from '../../compare/votes';
import { formatMs } from '../../metrics/answer-metrics';
import '../chat/chat-message';
import '../shared/latency-bar';
import { controls } from '../shared/styles';

/** A blind vote, for the compare view to record. */
export class CompareVoteEvent extends Event {
  static readonly type = 'compare-vote';
  constructor(
    readonly roundId: string,
    readonly winner: number | 'tie',
  ) {
    super(CompareVoteEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * One question and its answers: columns side by side (blind: "Answer 1" until the vote, then the
 * names and the running tally of the pair), or the draft, the decision and the refined answer
 * with their combined time. Answers render through <chat-message>: model output is untrusted.
 */
@customElement('compare-round')
export class CompareRoundView extends LitElement {
  @property({ attribute: false }) round!: CompareRound;
  /** The tallies of the pairs among this round's contenders (shown once its vote is in). */
  @property({ attribute: false }) tallies: readonly PairTally[] = [];
  /** Names a contender key ("pocket-chat-1m on wasm") as the user reads it. */
  @property({ attribute: false }) nameOf: (contender: string) => string = (c) => c;

  private answer(column: ColumnAnswer, blind: boolean) {
    return html`<chat-message .turn=${column.turn} ?streaming=${column.streaming} blindLabel=${blind ? column.label : ''}></chat-message>`;
  }

  private renderVote(round: SideBySideRound) {
    if (!round.blind) return nothing;
    const done = round.columns.every((c) => !c.streaming);
    if (round.vote === null) {
      return html`<div class="vote" role="group" aria-label="Which answer is better?">
        <span class="muted">Which is better?</span>
        ${round.columns.map(
          (c, i) =>
            html`<button ?disabled=${!done} @click=${() => this.dispatchEvent(new CompareVoteEvent(round.id, i))}>${c.label}</button>`,
        )}
        <button ?disabled=${!done} @click=${() => this.dispatchEvent(new CompareVoteEvent(round.id, 'tie'))}>Tie</button>
      </div>`;
    }
    const chosen = round.vote === 'tie' ? 'a tie' : (round.columns[round.vote]?.label ?? '');
    return html`<div class="vote voted">
      <span>You voted <b>${chosen}</b>.</span>
      ${this.tallies.map(
        (t) =>
          html`<span class="tally"
            >${this.nameOf(t.first)} <b>${t.firstWins}</b> – <b>${t.secondWins}</b> ${this.nameOf(t.second)}${
              t.ties ? html` · ${t.ties} tie${t.ties === 1 ? '' : 's'}` : nothing
            }</span
          >`,
      )}
    </div>`;
  }

  private renderSideBySide(round: SideBySideRound) {
    const hidden = round.blind && round.vote === null;
    return html`<div class="columns" style="--columns: ${round.columns.length}">
        ${round.columns.map((c) => html`<div class="column">${this.answer(c, hidden)}</div>`)}
      </div>
      ${this.renderVote(round)}`;
  }

  private renderPipeline(round: PipelineRound) {
    const { draft, decision, refined } = round;
    const draftParts = draft.turn.meta?.metrics?.parts;
    const refinedParts = refined?.turn.meta?.metrics?.parts;
    const finished = !draft.streaming && (refined === null || !refined.streaming);
    const timing = finished && draftParts && (refined === null || refinedParts) ? pipelineLatency(draftParts, refinedParts ?? null) : null;
    return html`<div class="pipeline">
      <section class="stage" aria-label="Draft">
        <h4>Draft</h4>
        ${this.answer(draft, false)}
      </section>
      ${
        decision
          ? html`<p class="decision ${decision.escalate ? 'escalated' : 'kept'}" role="status">
              ${decision.escalate ? html`<b>Refined</b>` : html`<b>Kept the draft</b>`}: ${decision.reason}.
            </p>`
          : nothing
      }
      ${
        refined
          ? html`<section class="stage" aria-label="Refined">
              <h4>Refined</h4>
              ${this.answer(refined, false)}
            </section>`
          : nothing
      }
      ${
        timing
          ? html`<p class="combined">
              <span
                >Combined <b>${formatMs(timing.totalMs)}</b> = draft
                ${formatMs(timing.draftMs)}${timing.refineMs !== null ? html` + refine ${formatMs(timing.refineMs)}` : nothing}</span
              >
              <latency-bar .parts=${timing.parts}></latency-bar>
            </p>`
          : nothing
      }
    </div>`;
  }

  protected override render() {
    const round = this.round;
    return html`<article aria-label="Comparison">
      <p class="question">${round.question}</p>
      ${round.kind === 'side-by-side' ? this.renderSideBySide(round) : this.renderPipeline(round)}
    </article>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      article {
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      .question {
        align-self: flex-end;
        max-width: 70%;
        margin: 0;
        padding: 8px 14px;
        border-radius: 14px 14px 4px 14px;
        border: 1px solid var(--border);
        background: var(--user-bubble);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .columns {
        display: grid;
        grid-template-columns: repeat(var(--columns), minmax(0, 1fr));
        gap: 12px;
      }
      .column,
      .stage {
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 12px;
        padding: 10px 12px;
        min-width: 0;
      }
      .stage h4 {
        margin: 0 0 4px;
        font-size: 0.78em;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      .pipeline {
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .decision {
        margin: 0 0 0 12px;
        padding-left: 10px;
        border-left: 3px solid var(--border-strong);
        font-size: 0.92em;
      }
      .decision.escalated {
        border-left-color: var(--accent);
      }
      .combined,
      .vote {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        margin: 0;
        font-size: 0.92em;
      }
      .vote button {
        padding: 4px 12px;
      }
      .tally {
        color: var(--muted);
      }
      .muted {
        color: var(--muted);
      }
      @media (max-width: 760px) {
        .columns {
          grid-template-columns: minmax(0, 1fr);
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-round': CompareRoundView;
  }
  interface GlobalEventHandlersEventMap {
    'compare-vote': CompareVoteEvent;
  }
}
