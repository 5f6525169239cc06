import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BenchRun } from '../../bench/bench-types';
import { formatShare, groundedByTarget, type GroundedSummary, type Share } from '../../bench/grounded-summary';
import { formatScore } from '../../bench/quality';
import { targetLabel } from '../../bench/chart-data';
import { formatMs } from '../../metrics/answer-metrics';
import { benchHead, benchSection, benchTable } from './bench-table.styles';

const percent = (s: Share): string => (s.of ? ` (${Math.round((100 * s.hits) / s.of)}%)` : '');

/** What retrieval did for each target of a run with grounded prompts; nothing for a run without. */
@customElement('bench-grounded')
export class BenchGrounded extends LitElement {
  @property({ attribute: false }) run: BenchRun | null = null;

  protected override render() {
    const run = this.run;
    const rows = run ? groundedByTarget(run) : new Map<string, GroundedSummary>();
    if (!run || !rows.size) return nothing;
    return html`<div class="wrap">
      <h3>Grounded answers <span class="muted">· ${run.plan.documents.length} document(s), each question with and without them</span></h3>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col" title="The document holding the answer is the first passage retrieved">Hit@1</th>
              <th scope="col" title="… among the first three passages retrieved">Hit@3</th>
              <th scope="col" title="The answer marks the document that holds the answer">Cites it</th>
              <th scope="col" class="sep" title="The prompts' checks, with the retrieved passages in the prompt">Score, RAG on</th>
              <th scope="col" title="The same questions asked without passages (the control)">RAG off</th>
              <th scope="col" class="sep">Retrieval</th>
            </tr>
          </thead>
          <tbody>
            ${[...rows].map(
              ([key, g]) =>
                html`<tr data-key=${key}>
                  <th scope="row">${targetLabel(g)}</th>
                  <td data-col="hit1">${formatShare(g.hitAt1)}<span class="muted">${percent(g.hitAt1)}</span></td>
                  <td data-col="hit3">${formatShare(g.hitAt3)}<span class="muted">${percent(g.hitAt3)}</span></td>
                  <td data-col="cited">${formatShare(g.citedRight)}<span class="muted">${percent(g.citedRight)}</span></td>
                  <td data-col="score-on" class="sep">${formatScore(g.scoreOn)}</td>
                  <td data-col="score-off">${formatScore(g.scoreOff)}</td>
                  <td data-col="retrieval" class="sep">${formatMs(g.retrievalMs)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <ul class="notes muted">
        <li>
          Passages are retrieved as the chat retrieves a conversation's sources: cut in each model's tokens, BM25 and embeddings fused.
        </li>
        <li>A question that no document answers scores when the answer says the context does not say.</li>
      </ul>
    </div>`;
  }

  static override styles = [
    benchHead,
    benchTable,
    benchSection,
    css`
      td .muted {
        margin-left: 4px;
        font-size: 0.88em;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-grounded': BenchGrounded;
  }
}
