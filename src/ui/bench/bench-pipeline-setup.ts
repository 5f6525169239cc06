import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import type { BenchPlan, BenchTarget } from '../../bench/bench-types';
import { describeRule, describeTarget } from '../../bench/pipeline-summary';
import { DEFAULT_RULES, type EscalationRule } from '../../compare/escalation';
import { DEFAULT_REFINE_INSTRUCTION } from '../../compare/refine-prompt';
import { controls } from '../shared/styles';
import '../compare/compare-rule';
import type { RuleChangeEvent } from '../compare/compare-rule';

const keyOf = (t: BenchTarget): string => `${t.modelId}|${t.backend}|${t.dtype ?? ''}`;

/**
 * Draft -> refine pipelines to measure after the targets: two of the plan's targets and the rule
 * (the Compare tab's rule control). Both models are measured alone anyway, which is the comparison.
 */
@customElement('bench-pipeline-setup')
export class BenchPipelineSetup extends LitElement {
  @property({ attribute: false }) session: BenchSession | undefined;
  @property({ attribute: false }) plan: BenchPlan | undefined;
  @property({ type: Boolean }) running = false;
  @state() private draftKey = '';
  @state() private refineKey = '';
  @state() private rule: EscalationRule = DEFAULT_RULES['longer-than'];
  @state() private instruction = DEFAULT_REFINE_INSTRUCTION;

  private pick(targets: readonly BenchTarget[], key: string, fallback: number): BenchTarget | undefined {
    return targets.find((t) => keyOf(t) === key) ?? targets[Math.min(fallback, targets.length - 1)];
  }

  private add(draft: BenchTarget, refine: BenchTarget): void {
    const pipelines = this.plan?.pipelines ?? [];
    this.session?.setPlan({ pipelines: [...pipelines, { draft, refine, rule: this.rule, instruction: this.instruction }] });
  }

  private removePipeline(index: number): void {
    this.session?.setPlan({ pipelines: (this.plan?.pipelines ?? []).filter((_, i) => i !== index) });
  }

  private targetSelect(label: string, targets: readonly BenchTarget[], chosen: BenchTarget | undefined, set: (key: string) => void) {
    return html`<label
      >${label}
      <select ?disabled=${this.running} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        ${targets.map((t) => html`<option value=${keyOf(t)} ?selected=${chosen !== undefined && keyOf(t) === keyOf(chosen)}>${describeTarget(t)}</option>`)}
      </select></label
    >`;
  }

  protected override render() {
    const plan = this.plan;
    if (!plan) return nothing;
    const targets = plan.targets;
    const pipelines = plan.pipelines ?? [];
    const draft = this.pick(targets, this.draftKey, 0);
    const refine = this.pick(targets, this.refineKey, 1);
    return html`<details ?open=${pipelines.length > 0}>
      <summary>
        Draft → refine
        <span class="muted"
          >·
          ${pipelines.length ? `${pipelines.length} pipeline(s)` : 'a small model drafts, a large one refines when the rule says so'}</span
        >
      </summary>
      ${
        pipelines.length
          ? html`<ul class="pipelines">
              ${pipelines.map(
                (p, i) =>
                  html`<li>
                    <span>${describeTarget(p.draft)} → ${describeTarget(p.refine)}, refines ${describeRule(p.rule)}</span>
                    <button class="ghost small" ?disabled=${this.running} @click=${() => this.removePipeline(i)}>Remove</button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      ${
        targets.length < 2
          ? html`<p class="muted">Check two targets above: the draft model and the refine model.</p>`
          : html`<div class="row">
                ${this.targetSelect('Draft', targets, draft, (k) => (this.draftKey = k))}
                ${this.targetSelect('Refine', targets, refine, (k) => (this.refineKey = k))}
              </div>
              <compare-rule
                .rule=${this.rule}
                instruction=${this.instruction}
                ?disabled=${this.running}
                @rule-change=${(e: RuleChangeEvent) => {
                  if (e.change.rule) this.rule = e.change.rule;
                  if (e.change.refineInstruction !== undefined) this.instruction = e.change.refineInstruction;
                }}
              ></compare-rule>
              <button
                ?disabled=${this.running || !draft || !refine || keyOf(draft) === keyOf(refine)}
                @click=${() => draft && refine && this.add(draft, refine)}
              >
                Add pipeline
              </button>`
      }
    </details>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
      }
      summary .muted,
      .muted {
        color: var(--muted);
        font-weight: normal;
      }
      details[open] > summary {
        margin-bottom: 10px;
      }
      details > :not(summary) + :not(summary) {
        margin-top: 10px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
      }
      .row label {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .pipelines {
        list-style: none;
        padding: 0;
        margin: 0;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .pipelines li {
        display: flex;
        gap: 8px;
        align-items: center;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'bench-pipeline-setup': BenchPipelineSetup;
  }
}
