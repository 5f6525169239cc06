import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DeviceAdvice } from '../../engine/gateway/foundry-devices';
import { controls } from '../shared/styles';

/** "run `foundry cache list`" -> text with the backticked parts as <code>. */
function withCode(text: string) {
  return text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
}

/**
 * Under "Test connection": Foundry Local runs its models on the CPU when this device (or the
 * model) could use a GPU, why that happens, and what to try (foundry-devices.ts decides).
 */
@customElement('device-advice')
export class DeviceAdviceView extends LitElement {
  /** The finding to show; nothing is shown for null. */
  @property({ attribute: false }) advice: DeviceAdvice | null = null;

  protected override render() {
    const a = this.advice;
    if (!a) return nothing;
    return html`<section class="advice" role="note" aria-label=${a.title} data-scope=${a.scope}>
      <b>${a.title}</b>
      <p>${a.summary}</p>
      <p class="try">What to try:</p>
      <ol>
        ${a.steps.map((s) => html`<li>${withCode(s)}</li>`)}
      </ol>
    </section>`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .advice {
        margin-top: 10px;
        padding: 8px 10px;
        border-radius: 8px;
        border-left: 3px solid var(--warning);
        background: var(--surface-2);
        line-height: 1.45;
        overflow-wrap: anywhere;
      }
      p {
        margin: 4px 0 0;
      }
      .try {
        font-weight: 600;
        margin-top: 8px;
      }
      ol {
        margin: 2px 0 0;
        padding-left: 18px;
      }
      li + li {
        margin-top: 3px;
      }
      code {
        font-size: 0.92em;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 4px;
        padding: 0 3px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'device-advice': DeviceAdviceView;
  }
}
