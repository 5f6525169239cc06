import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { AppWatch } from '../shared/app-watch';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';

/** The notices at the bottom of the page (app.notices), each with its Dismiss. */
@customElement('notice-list')
export class NoticeList extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.notices]);

  protected override render() {
    const notices = this.app.value?.notices;
    if (!notices?.list.length) return nothing;
    return html`<div class="notices" role="region" aria-label="Notices">
      ${notices.list.map(
        (n) =>
          html`<div class="notice ${n.level}" role=${n.level === 'error' ? 'alert' : 'status'}>
            <span>${n.text}</span>
            <button class="ghost icon" aria-label="Dismiss" @click=${() => notices.dismiss(n.id)}>${icons.close}</button>
          </div>`,
      )}
    </div>`;
  }

  static override styles = [
    controls,
    css`
      /* No box of its own: the notices float over the page, out of the layout. */
      :host {
        display: contents;
      }
      /* Under the header, where they never cover the prompt box (at the bottom they did). */
      .notices {
        position: fixed;
        top: 56px;
        left: 50%;
        transform: translateX(-50%);
        display: flex;
        flex-direction: column;
        gap: 8px;
        z-index: 50;
        width: min(560px, calc(100vw - 24px));
      }
      .notice {
        display: flex;
        align-items: flex-start;
        justify-content: space-between;
        gap: 10px;
        padding: 10px 12px;
        border-radius: 10px;
        border: 1px solid var(--border);
        background: var(--surface);
        box-shadow: var(--shadow);
        font-size: 0.9em;
      }
      .notice.warning {
        border-color: var(--warning);
      }
      .notice.error {
        border-color: var(--danger);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'notice-list': NoticeList;
  }
}
