import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RecoveryOffer } from '../../placement/fault-offers';
import { dtypeLabel } from '../../catalog/dtypes';
import { formatBytes } from '../shared/format';
import { controls } from '../shared/styles';

export function offerLabel(offer: RecoveryOffer): string {
  if (offer.kind === 'wasm') return 'Run on WASM (CPU)';
  if (offer.kind === 'variant') return `Use ${dtypeLabel(offer.dtype)} (${formatBytes(offer.bytes)})`;
  return `Use the gateway (${offer.baseUrl.replace(/^https?:\/\//, '')})`;
}

/** Fired with the offer the user picked. */
export class RecoverEvent extends Event {
  constructor(readonly offer: RecoveryOffer) {
    super('recover', { bubbles: true, composed: true });
  }
}

/**
 * The ways on after a device fault, as buttons (first one primary). Shown in the model panel and
 * above the prompt box, so they are one tap away on a phone too, where the panel is a drawer.
 */
@customElement('recovery-offers')
export class RecoveryOffers extends LitElement {
  @property({ attribute: false }) offers: readonly RecoveryOffer[] = [];

  protected override render() {
    if (!this.offers.length) return nothing;
    return html`${this.offers.map(
      (offer, i) =>
        html`<button
          class=${i === 0 ? 'primary' : ''}
          data-recovery=${offer.kind}
          @click=${() => this.dispatchEvent(new RecoverEvent(offer))}
        >
          ${offerLabel(offer)}
        </button>`,
    )}`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      /* Shown inside error text: the buttons keep their own colour. */
      button:not(.primary) {
        color: var(--text);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'recovery-offers': RecoveryOffers;
  }
}
