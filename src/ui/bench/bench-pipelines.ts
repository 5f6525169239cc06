import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BenchRun } from '../../bench/bench-types';
import { summarizePipelines } from '../../bench/pipeline-summary';
import { formatScore } from '../../bench/quality';
import { formatMs } from '../../metrics/answer-metrics';
import { benchHead, benchSection, benchTable } from './bench-table.styles';

/** The draft -> refine pipelines of a run: how often each escalated, and its time and quality against each model alone. */
@customElement('bench-pipelines')
export class BenchPipelines extends LitElement {
  @property({ attribute: false }) run: BenchRun | null = null;

  protected override render() {
    const run = this.run;
    const rows = run ? summarizePipelines(run) : [];
    if (!run || !rows.length) return nothing;
    return html`<div class="wrap">
      <h3>Draft → refine <span class="muted">· the draft model's answers, refined when the rule says so</span></h3>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Pipeline</th>
              <th scope="col" class="sep">Escalated</th>
              <th scope="col" title="Draft time, plus the refine request's when it escalated">Combined mean</th>
              <th scope="col">p95</th>
              <th scope="col" class="sep" title="The draft model's own answers to the same prompts">Draft alone</th>
              <th scope="col" title="The refine model's own answers to the same prompts">Refine alone</th>
              <th scope="col" class="sep" title="The prompts' checks on the answers the user gets, and on each model's own answers">
                Quality
              </th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (p) =>
                html`<tr>
                  <th scope="row">${p.label}<span class="rule">refines ${p.rule}</span></th>
                  <td data-col="escalated" class="sep">
                    ${
                      p.escalationRate === null
                        ? '–'
                        : html`${p.escalated}/${p.drafts}<span class="muted"> (${Math.round(p.escalationRate * 100)}%)</span>`
                    }
                  </td>
                  <td data-col="combined">${formatMs(p.combinedMs.mean)}</td>
                  <td>${formatMs(p.combinedMs.p95)}</td>
                  <td data-col="draft" class="sep">${formatMs(p.draftAloneMs.mean)}</td>
                  <td data-col="refine">${formatMs(p.refineAloneMs.mean)}</td>
                  <td data-col="quality" class="sep">
                    ${formatScore(p.quality.pipeline)}<span class="muted sub">
                      draft ${formatScore(p.quality.draft)}, refine ${formatScore(p.quality.refine)}</span
                    >
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <ul class="notes muted">
        ${rows.filter((p) => p.status !== 'ok').map((p) => html`<li class="problem">${p.label}: ${p.status}${p.message ? ` — ${p.message}` : ''}</li>`)}
        <li>The refine model gets its instruction, the question and the draft; grounded (RAG) requests are not piped.</li>
      </ul>
    </div>`;
  }

  static override styles = [
    benchHead,
    benchTable,
    benchSection,
    css`
      tbody th {
        white-space: normal;
        min-width: 14em;
      }
      .sub {
        display: block;
        font-size: 0.88em;
      }
      .rule {
        display: block;
        color: var(--muted);
        font-weight: normal;
        font-size: 0.88em;
      }
      .problem {
        color: var(--danger);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-pipelines': BenchPipelines;
  }
}
