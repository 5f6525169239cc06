import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { DEFAULT_RULES, type EscalationKind, type EscalationRule } from '../../compare/escalation';
import { controls } from '../shared/styles';

/** The user changed the escalation rule or the refine instruction. */
export class RuleChangeEvent extends Event {
  static readonly type = 'rule-change';
  constructor(readonly change: { rule?: EscalationRule; refineInstruction?: string }) {
    super(RuleChangeEvent.type, { bubbles: true, composed: true });
  }
}

const KIND_LABEL: Record<EscalationKind, string> = {
  always: 'Always',
  'longer-than': 'When the draft is longer than',
  'low-confidence': 'When the draft’s confidence is below',
  topics: 'When it mentions a flagged topic',
};

/** When a draft goes on to the refine model, and what that model is told. */
@customElement('compare-rule')
export class CompareRule extends LitElement {
  @property({ attribute: false }) rule: EscalationRule = DEFAULT_RULES['longer-than'];
  @property() instruction = '';
  @property({ type: Boolean }) disabled = false;

  private emit(change: { rule?: EscalationRule; refineInstruction?: string }): void {
    this.dispatchEvent(new RuleChangeEvent(change));
  }

  /** A number beside the rule: `label` names it for screen readers, `unit` follows it on screen. */
  private numberField(
    options: { label: string; unit: string; value: number; step: string; min?: string; max?: string; title?: string },
    set: (n: number) => void,
  ) {
    return html`<label class="param" title=${options.title ?? ''}
      ><input
        type="number"
        min=${options.min ?? ''}
        max=${options.max ?? ''}
        step=${options.step}
        aria-label=${options.label}
        .value=${String(options.value)}
        ?disabled=${this.disabled}
        @change=${(e: Event) => {
          const n = Number((e.target as HTMLInputElement).value);
          if (Number.isFinite(n)) set(n);
        }}
      />
      ${options.unit}</label
    >`;
  }

  private renderParameter() {
    const rule = this.rule;
    if (rule.kind === 'longer-than') {
      return this.numberField({ label: 'Characters', unit: 'characters', value: rule.chars, step: '50', min: '0' }, (n) =>
        this.emit({ rule: { kind: 'longer-than', chars: Math.max(0, Math.round(n)) } }),
      );
    }
    if (rule.kind === 'low-confidence') {
      return this.numberField(
        {
          label: 'Mean token log-probability',
          unit: 'mean token log-probability',
          value: rule.below,
          step: '0.1',
          max: '0',
          title: "Mean log-probability of the draft's tokens; reported by in-browser models only",
        },
        (n) => this.emit({ rule: { kind: 'low-confidence', below: Math.min(0, n) } }),
      );
    }
    if (rule.kind === 'topics') {
      return html`<label class="param wide"
        ><span class="visually-hidden">Flagged topics, comma separated</span
        ><input
          type="text"
          placeholder="medical, legal, tax"
          .value=${rule.topics.join(', ')}
          ?disabled=${this.disabled}
          @change=${(e: Event) => {
            const topics = (e.target as HTMLInputElement).value
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean);
            this.emit({ rule: { kind: 'topics', topics } });
          }}
      /></label>`;
    }
    return nothing;
  }

  protected override render() {
    return html`<div class="rule">
        <label for="kind">Refine</label>
        <select
          id="kind"
          ?disabled=${this.disabled}
          @change=${(e: Event) => this.emit({ rule: DEFAULT_RULES[(e.target as HTMLSelectElement).value as EscalationKind] })}
        >
          ${(Object.keys(KIND_LABEL) as EscalationKind[]).map(
            (k) => html`<option value=${k} ?selected=${this.rule.kind === k}>${KIND_LABEL[k]}</option>`,
          )}
        </select>
        ${this.renderParameter()}
      </div>
      <label class="instruction"
        >Instruction to the refine model
        <input
          type="text"
          .value=${this.instruction}
          ?disabled=${this.disabled}
          @change=${(e: Event) => this.emit({ refineInstruction: (e.target as HTMLInputElement).value })}
      /></label>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .rule {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .param {
        display: inline-flex;
        gap: 6px;
        align-items: center;
        color: var(--muted);
      }
      .param input[type='number'] {
        width: 6.5em;
      }
      .param.wide {
        flex: 1;
        min-width: 200px;
      }
      .param.wide input {
        width: 100%;
      }
      .instruction {
        display: flex;
        flex-direction: column;
        gap: 4px;
        color: var(--muted);
        font-size: 0.92em;
      }
      .instruction input {
        color: var(--text);
        font-size: 1rem;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-rule': CompareRule;
  }
  interface GlobalEventHandlersEventMap {
    'rule-change': RuleChangeEvent;
  }
}
