import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Destination } from '../../privacy/classify';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';

const LABEL: Record<Destination, string> = {
  app: 'This app (its own files)',
  hub: 'Model hub',
  gateway: 'Gateway',
  other: 'Anywhere else',
};
const ORDER: Destination[] = ['other', 'hub', 'gateway', 'app'];

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 48 ? `…${u.pathname.slice(-47)}` : u.pathname;
    return `${u.host}${path}`;
  } catch {
    return url;
  }
}

/**
 * The privacy meter: how many requests left this app (hub, gateway, anywhere else), live, with
 * the list one click away. Counts come from the browser's Resource Timing of the page and of the
 * inference worker, so nothing the app fetches escapes it.
 */
@customElement('privacy-meter')
export class PrivacyMeter extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.requests]);
  @state() private open = false;

  protected override render() {
    const log = this.app.value?.requests;
    if (!log) return nothing;
    const external = log.external;
    const recent = log.entries
      .filter((e) => e.destination !== 'app')
      .slice(-12)
      .reverse();
    return html`
      <button
        class="meter ${external === 0 ? 'clean' : ''}"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="requests"
        title="Requests this app made beyond its own origin"
        @click=${() => (this.open = !this.open)}
      >
        <span class="dot" aria-hidden="true"></span>
        <span class="count" data-external=${external}>${external}</span><span class="label"> external</span>
      </button>
      ${
        this.open
          ? html`<div id="requests" class="panel" role="region" aria-label="Network requests">
              <p class="lead">
                ${external === 0 ? 'Nothing has left this machine beyond this app\u2019s own files.' : `${external} request(s) went beyond this app.`}
              </p>
              <table>
                <tbody>
                  ${ORDER.map(
                    (d) =>
                      html`<tr data-destination=${d}>
                        <th scope="row">${LABEL[d]}</th>
                        <td>${log.counts[d]}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              ${
                recent.length
                  ? html`<h3>Latest beyond this app</h3>
                      <ul>
                        ${recent.map((e) => html`<li><span class="tag ${e.destination}">${e.destination}</span> ${shortUrl(e.url)}</li>`)}
                      </ul>`
                  : nothing
              }
            </div>`
          : nothing
      }
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        position: relative;
        display: inline-block;
        font-size: 0.85em;
      }
      .meter {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 4px 10px;
        border-radius: 999px;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--warning);
      }
      .clean .dot {
        background: var(--success);
      }
      .count {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .panel {
        position: absolute;
        right: 0;
        top: calc(100% + 6px);
        z-index: 30;
        width: min(340px, 90vw);
        padding: 12px;
        border: 1px solid var(--border);
        border-radius: 12px;
        background: var(--surface);
        box-shadow: var(--shadow);
      }
      .lead {
        margin: 0 0 8px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th {
        text-align: left;
        font-weight: normal;
        color: var(--muted);
        padding: 2px 0;
      }
      td {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      h3 {
        font-size: 0.9em;
        margin: 10px 0 4px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 200px;
        overflow: auto;
        font-family: var(--mono);
        font-size: 0.85em;
      }
      li {
        padding: 2px 0;
        overflow-wrap: anywhere;
      }
      .tag {
        font-family: inherit;
        padding: 0 4px;
        border-radius: 4px;
        background: var(--surface-2);
      }
      @media (max-width: 600px) {
        .label {
          display: none;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'privacy-meter': PrivacyMeter;
  }
}
