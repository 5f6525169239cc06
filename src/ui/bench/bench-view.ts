import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import type { BenchRun } from '../../bench/bench-types';
import type { EstimateSettings } from '../../bench/estimates';
import { buildSelection, type SelectionReport } from '../../bench/selection';
import type { CatalogModel } from '../../catalog/schema';
import { AppWatch } from '../shared/app-watch';
import './bench-charts';
import './bench-config';
import './bench-grounded';
import './bench-history';
import './bench-answers';
import './bench-judge';
import './bench-pipelines';
import './bench-results';
import './bench-selection';

/** The Benchmark tab: what to run on top, results and charts of the shown run, saved runs aside. */
@customElement('bench-view')
export class BenchView extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.bench, app.catalog, app.estimates]);
  /** The session whose saved runs were read when it first showed here. */
  private refreshed: BenchSession | null = null;
  /** The selection report of the shown run, rebuilt only when the run, the catalog or the estimates change. */
  private selection: { run: BenchRun; catalog: readonly CatalogModel[]; estimates: EstimateSettings; report: SelectionReport } | null =
    null;

  private selectionOf(run: BenchRun, catalog: readonly CatalogModel[], estimates: EstimateSettings): SelectionReport {
    const s = this.selection;
    if (s?.run === run && s.catalog === catalog && s.estimates === estimates) return s.report;
    const report = buildSelection(run, catalog, estimates);
    this.selection = { run, catalog, estimates, report };
    return report;
  }

  protected override willUpdate(): void {
    const session = this.app.value?.bench;
    if (session && session !== this.refreshed) {
      this.refreshed = session;
      void session.refresh();
    }
  }

  protected override render() {
    const app = this.app.value;
    const s = app?.bench;
    if (!app || !s) return html`<p class="muted">Starting…</p>`;
    const selection = s.shown ? this.selectionOf(s.shown, app.catalog.models, app.estimates.settings) : null;
    return html`
      <div class="layout">
        <div class="primary">
          <section class="card" aria-label="Benchmark setup">
            <bench-config
              .session=${s}
              .plan=${s.plan}
              .catalog=${app.catalog.chatModels}
              .progress=${s.progress}
              ?running=${s.running}
              ?webgpu=${Boolean(app.capabilities.webgpu)}
            ></bench-config>
            <bench-judge
              .session=${s}
              .catalog=${app.catalog.chatModels}
              .judge=${s.judge}
              .template=${s.judgeTemplate}
              .judging=${s.judging}
              ?running=${s.running}
              ?hasRun=${Boolean(s.shown)}
              ?webgpu=${Boolean(app.capabilities.webgpu)}
            ></bench-judge>
          </section>
          ${s.problem ? html`<p class="error" role="alert">${s.problem}</p>` : nothing}
          ${
            s.shown
              ? html`<section class="card" aria-label="Results">
                    <bench-results .run=${s.shown} .selection=${selection}></bench-results>
                    <bench-grounded .run=${s.shown}></bench-grounded>
                    <bench-pipelines .run=${s.shown}></bench-pipelines>
                    <bench-answers .session=${s} .run=${s.shown} ?busy=${s.running}></bench-answers>
                  </section>
                  <section class="card" aria-label="Choose a model">
                    <bench-selection .run=${s.shown} .report=${selection} .estimates=${app.estimates}></bench-selection>
                  </section>
                  <section class="card" aria-label="Charts"><bench-charts .run=${s.shown} .history=${s.runs}></bench-charts></section>`
              : s.running
                ? html`<p class="muted empty">Loading the first model; results appear here after its first answer.</p>`
                : html`<p class="muted empty">
                    Pick targets and run a benchmark: time to first token, decode speed and per-token latency appear here, measured in this
                    browser.
                  </p>`
          }
        </div>
        <section class="card history" aria-label="Saved runs">
          <bench-history .session=${s} .runs=${s.runs} shownId=${s.shown?.id ?? ''}></bench-history>
        </section>
      </div>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      height: 100%;
      overflow-y: auto;
      box-sizing: border-box;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr) 260px;
      gap: 16px;
      padding: 16px;
      max-width: 1280px;
      margin: 0 auto;
      align-items: start;
    }
    .primary {
      display: flex;
      flex-direction: column;
      gap: 16px;
      min-width: 0;
    }
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 12px;
      padding: 14px 16px;
      min-width: 0;
    }
    .empty {
      text-align: center;
      padding: 24px;
    }
    .muted {
      color: var(--muted);
    }
    .error {
      color: var(--danger);
      margin: 0;
    }
    @media (max-width: 1000px) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
        padding: 10px;
      }
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-view': BenchView;
  }
}
