import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatMs } from '../../metrics/answer-metrics';
import type { GroundedPassage, Grounding, PassageRef } from '../../rag/retrieval-types';
import { controls } from '../shared/styles';
import { answerSourcesStyles } from './answer-sources.styles';

/** "notes.md › Install" */
export function passageLabel(p: Pick<PassageRef, 'sourceName' | 'heading'>): string {
  return p.heading ? `${p.sourceName} › ${p.heading}` : p.sourceName;
}

/** "BM25 #1 (4.21) · similarity #3 (0.62) · fused 0.0323" */
function scores(p: PassageRef): string {
  return [
    p.lexical ? `BM25 #${p.lexical.rank} (${p.lexical.score.toFixed(2)})` : 'BM25: no match',
    ...(p.semantic ? [`similarity #${p.semantic.rank} (${p.semantic.score.toFixed(2)})`] : []),
    `fused ${p.fused.toFixed(4)}`,
  ].join(' · ');
}

/**
 * What a grounded answer was given: the numbered passages with their source, heading, scores
 * and text (the user's own documents, shown as plain text), what was retrieved but left out and
 * why, and where the passages went. Citation marks in the answer open it at their passage.
 */
@customElement('answer-sources')
export class AnswerSources extends LitElement {
  @property({ attribute: false }) grounding!: Grounding;
  /** The answer came from a gateway: the passages were sent there. */
  @property({ type: Boolean }) gateway = false;
  @state() private open = false;
  /** The passage a citation mark opened, highlighted until another is. */
  @state() private shown: number | null = null;

  /** Opens the list at passage `n` and moves focus there. */
  async show(n: number): Promise<void> {
    this.open = true;
    this.shown = n;
    await this.updateComplete;
    const item = this.renderRoot.querySelector<HTMLElement>(`[data-n="${n}"]`);
    item?.scrollIntoView({ block: 'nearest' });
    item?.focus();
  }

  private renderPassage(p: GroundedPassage) {
    return html`<li data-n=${p.n} tabindex="-1" class=${this.shown === p.n ? 'shown' : ''}>
      <div class="head">
        <span class="n">[${p.n}]</span>
        <span class="where">${passageLabel(p)}</span>
        <span class="scores muted">${scores(p)} · ${p.tokens} tokens</span>
      </div>
      <p class="text">${p.text}</p>
    </li>`;
  }

  protected override render() {
    const g = this.grounding;
    const count = g.passages.length;
    const ranking = g.semantic ? `BM25 + ${g.semantic}` : 'BM25';
    return html`<details ?open=${this.open} @toggle=${(e: Event) => (this.open = (e.target as HTMLDetailsElement).open)}>
      <summary>
        <span class="label">${count ? `Grounded on ${count} passage${count === 1 ? '' : 's'}` : 'No passage matched'}</span>
        <span class="muted"
          >${ranking} · retrieval ${formatMs(g.retrievalMs)}${g.leftOut.length ? ` · ${g.leftOut.length} left out` : ''}</span
        >
      </summary>
      ${
        count
          ? html`<ol class="passages">
              ${g.passages.map((p) => this.renderPassage(p))}
            </ol>`
          : nothing
      }
      ${g.statement ? html`<p class="left-out">${g.statement}</p>` : nothing}
      ${
        g.leftOut.length
          ? html`<ul class="left-out-list">
              ${g.leftOut.map((p) => html`<li><span class="where">${passageLabel(p)}</span> <span class="scores muted">${scores(p)}</span></li>`)}
            </ul>`
          : nothing
      }
      <p class="facts muted">
        ${g.promptTokens} prompt tokens of ${g.contextLength}, ${g.answerTokens} kept for the answer, counted with ${g.counter}.
        ${g.semanticNote ?? ''}
      </p>
      <p class=${this.gateway ? 'sent gateway' : 'sent local'}>
        ${this.gateway ? 'These passages were sent to the gateway with the question.' : 'These passages never left this device.'}
      </p>
    </details>`;
  }

  static override styles = [controls, answerSourcesStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'answer-sources': AnswerSources;
  }
}
