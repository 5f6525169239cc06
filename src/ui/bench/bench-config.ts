import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BUNDLED_PRESET, GATEWAY_PRESET, type BenchSession } from '../../app/bench-session';
import { parsePlan } from '../../bench/plan';
import { builtinPromptSet, parsePromptSet, promptSetToJson } from '../../bench/prompts';
import { groundedPromptSet } from '../../bench/grounded-set';
import { planFromSet, planRequests, setOfPlan } from '../../bench/plan';
import type { BenchProgress } from '../../bench/bench-runner';
import { BACKENDS, type BenchPlan, type BenchTarget } from '../../bench/bench-types';
import type { CatalogModel } from '../../catalog/schema';
import { downloadText } from '../shared/download';
import { BACKEND_LABEL, groupModels, modelLabel } from '../shared/model-label';
import { controls, filePicker } from '../shared/styles';
import { errorMessage } from '../../errors/error-message';
import { benchConfigStyles, benchRowStyles } from './bench-config.styles';
import './bench-pipeline-setup';

/** What the status line says the run is doing with the current target. */
const PHASE_LABEL: Record<BenchProgress['phase'], string> = {
  loading: 'loading',
  running: 'measuring',
  resources: 'reading the memory use of',
  refining: 'refining the escalated drafts with',
  finished: 'finished',
};
const NUMBER_FIELDS = [
  ['rounds', 'Rounds', 1],
  ['warmupRounds', 'Warm-up rounds', 0],
  ['maxNewTokens', 'Max new tokens', 1],
  ['temperature', 'Temperature', 0],
] as const satisfies readonly (readonly [keyof BenchPlan, string, number])[];

const same = (a: BenchTarget, b: BenchTarget): boolean => a.modelId === b.modelId && a.backend === b.backend;

/** What to measure: targets (models x backends), rounds and budget, prompt set; Run and Cancel. */
@customElement('bench-config')
export class BenchConfig extends LitElement {
  @property({ attribute: false }) session: BenchSession | undefined;
  @property({ attribute: false }) plan: BenchPlan | undefined;
  @property({ attribute: false }) catalog: readonly CatalogModel[] = [];
  @property({ attribute: false }) progress: BenchProgress | null = null;
  @property({ type: Boolean }) running = false;
  @property({ type: Boolean }) webgpu = false;
  @state() private error = '';
  @state() private draft = '';

  private _openEditor(e: Event): void {
    const plan = this.plan;
    if (plan && (e.target as HTMLDetailsElement).open) this.draft = promptSetToJson(setOfPlan(plan));
  }

  private _applyDraft(): void {
    try {
      const set = parsePromptSet(this.draft);
      this.session?.setPlan(planFromSet(set));
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private _toggle(target: BenchTarget, on: boolean): void {
    const plan = this.plan;
    if (!plan) return;
    const rest = plan.targets.filter((t) => !same(t, target));
    // A pipeline needs both its models measured alone: unchecking one drops the pipelines that use it.
    const pipelines = plan.pipelines?.filter((p) => on || (!same(p.draft, target) && !same(p.refine, target)));
    this.session?.setPlan({ targets: on ? [...rest, target] : rest, ...(pipelines ? { pipelines } : {}) });
  }

  private _preset(targets: readonly BenchTarget[]): void {
    const session = this.session;
    if (session) session.setPlan({ targets: session.available(targets) });
  }

  private _number(field: (typeof NUMBER_FIELDS)[number][0], e: Event): void {
    this.session?.setPlan({ [field]: (e.target as HTMLInputElement).valueAsNumber });
  }

  private async _import(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const set = parsePromptSet(await file.text());
      this.session?.setPlan(planFromSet(set));
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private _run(): void {
    try {
      const plan = parsePlan(this.plan);
      this.error = '';
      this.session?.setPlan(plan);
      void this.session?.run();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** One model's row: its label (and id, as results and exports name it), a checkbox per backend. */
  private renderTarget(plan: BenchPlan, m: CatalogModel) {
    const label = modelLabel(m);
    return html`<tr>
      <th scope="row">${label}<span class="id">${m.id}</span></th>
      ${BACKENDS.map((backend) => {
        const target = { modelId: m.id, backend };
        const possible = backend === 'gateway' || (m.source.kind !== 'gateway' && (backend === 'wasm' || this.webgpu));
        return html`<td>
          <input
            type="checkbox"
            aria-label="${label} on ${BACKEND_LABEL[backend]}"
            data-target="${m.id}|${backend}"
            ?disabled=${!possible || this.running}
            .checked=${plan.targets.some((t) => same(t, target))}
            @change=${(e: Event) => this._toggle(target, (e.target as HTMLInputElement).checked)}
          />
        </td>`;
      })}
    </tr>`;
  }

  private renderTargets(plan: BenchPlan) {
    return html`<table class="targets">
      <thead>
        <tr>
          <th scope="col">Model</th>
          ${BACKENDS.map((b) => html`<th scope="col">${BACKEND_LABEL[b]}</th>`)}
        </tr>
      </thead>
      ${groupModels(this.catalog).map(
        ({ label, models }) =>
          html`<tbody>
            <tr class="group">
              <th scope="rowgroup" colspan=${BACKENDS.length + 1}>${label}</th>
            </tr>
            ${models.map((m) => this.renderTarget(plan, m))}
          </tbody>`,
      )}
    </table>`;
  }

  protected override render() {
    const plan = this.plan;
    if (!plan) return nothing;
    const p = this.progress;
    return html`
      <section aria-label="Targets">
        <div class="row">
          <h3>Targets</h3>
          <span class="muted">Presets:</span>
          <button ?disabled=${this.running} @click=${() => this._preset(BUNDLED_PRESET)}>Bundled models (WASM)</button>
          <button ?disabled=${this.running} @click=${() => this._preset(GATEWAY_PRESET)}>phi-4-mini vs gpt-oss-20b</button>
        </div>
        <div class="scroll">${this.renderTargets(plan)}</div>
      </section>
      <section class="fields" aria-label="Settings">
        ${NUMBER_FIELDS.map(
          ([field, label, min]) =>
            html`<label>
              <span>${label}</span>
              <input
                type="number"
                name=${field}
                min=${min}
                step=${field === 'temperature' ? 0.1 : 1}
                .value=${String(plan[field])}
                ?disabled=${this.running}
                @change=${(e: Event) => this._number(field, e)}
              />
            </label>`,
        )}
      </section>
      <section aria-label="Draft to refine">
        <bench-pipeline-setup .session=${this.session} .plan=${plan} ?running=${this.running}></bench-pipeline-setup>
      </section>
      <section class="prompts" aria-label="Prompts">
        <div class="row">
          <h3>Prompts</h3>
          <b>${plan.promptSetName}</b
          ><span class="muted"
            >· ${plan.prompts.length}
            prompt(s)${
              plan.documents.length ? ` · ${plan.documents.length} document(s), grounded prompts asked with and without them` : ''
            }</span
          >
          <span class="spacer"></span>
          <label class="file"
            >Import<input
              type="file"
              accept="application/json,.json"
              ?disabled=${this.running}
              @change=${(e: Event) => void this._import(e)}
          /></label>
          <button @click=${() => downloadText('prompt-set.json', promptSetToJson(setOfPlan(plan)), 'application/json')}>Export</button>
          <button ?disabled=${this.running} @click=${() => this.session?.setPlan(planFromSet(builtinPromptSet()))}>Built-in</button>
          <button
            ?disabled=${this.running}
            title="Questions about reference documents, each asked with retrieved passages (RAG on) and without (RAG off)"
            @click=${() => this.session?.setPlan(planFromSet(groundedPromptSet()))}
          >
            Grounded
          </button>
        </div>
        <details @toggle=${(e: Event) => this._openEditor(e)}>
          <summary>Edit prompts (JSON)</summary>
          <label class="visually-hidden" for="prompt-json">Prompt set as JSON</label>
          <textarea
            id="prompt-json"
            rows="10"
            spellcheck="false"
            .value=${this.draft}
            ?disabled=${this.running}
            @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
          ></textarea>
          <button ?disabled=${this.running} @click=${() => this._applyDraft()}>Apply</button>
        </details>
      </section>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row run">
        ${
          this.running
            ? html`<button class="danger" @click=${() => this.session?.cancel()}>Cancel</button>`
            : html`<button class="primary" ?disabled=${!plan.targets.length} @click=${() => this._run()}>Run benchmark</button>`
        }
        ${
          p && this.running
            ? html`<progress max=${p.total} .value=${p.done} aria-label="Benchmark progress"></progress>
                <span class="status" role="status"
                  >${p.done} /
                  ${p.total}${p.target ? html` · ${PHASE_LABEL[p.phase]} ${p.target.modelId} on ${BACKEND_LABEL[p.target.backend]}` : nothing}</span
                >`
            : html`<span class="muted"
                >${plan.targets.length} target(s) × ${plan.prompts.length} prompts × ${plan.warmupRounds + plan.rounds} rounds ·
                ${planRequests(plan).length} requests</span
              >`
        }
      </div>
    `;
  }

  static override styles = [controls, filePicker, benchRowStyles, benchConfigStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-config': BenchConfig;
  }
}
