import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { KeyStorage } from '../../app/gateway-settings';
import { icons } from '../shared/icons';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';

const KEY_STORAGE_LABEL: Record<KeyStorage, string> = {
  session: 'Until this tab closes',
  device: 'On this device',
  none: "Don't keep it",
};

/**
 * Gateway connection: address, optional API key (kept where the user chooses), automatic
 * fallback, and "Test connection" with its answer in plain words beside the button.
 */
@customElement('gateway-panel')
export class GatewayPanel extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.gateway]);

  private renderResult() {
    const probe = this.app.value?.gateway.probe;
    if (!probe || probe.state === 'idle') return nothing;
    if (probe.state === 'testing') return html`<p class="result muted" role="status">Testing…</p>`;
    const r = probe.report;
    if (r.ok) {
      return html`<div class="result ok" role="status">
        <p><span class="dot" aria-hidden="true"></span>${r.summary}</p>
        ${r.details.map((d) => html`<p class="muted">${d}</p>`)}
      </div>`;
    }
    return html`<div class="result failed" role="alert" data-failure=${r.failure}><p>${icons.alert} ${r.summary}</p></div>`;
  }

  protected override render() {
    const gateway = this.app.value?.gateway;
    if (!gateway) return nothing;
    const g = gateway.settings;
    const testing = gateway.probe.state === 'testing';
    return html`
      <h2>Gateway</h2>
      <p class="intro muted">
        Models too big for the browser run on Foundry Local, the bundled gateway (<code>npm run gateway</code>) or any OpenAI-compatible
        server.
      </p>
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          void gateway.test();
        }}
      >
        <label for="gateway-url">Address</label>
        <input
          id="gateway-url"
          type="url"
          inputmode="url"
          autocomplete="url"
          spellcheck="false"
          .value=${g.baseUrl}
          placeholder="http://localhost:5273"
          @change=${(e: Event) => gateway.update({ baseUrl: (e.target as HTMLInputElement).value })}
        />
        <label for="gateway-key">API key <span class="muted">(optional)</span></label>
        <input
          id="gateway-key"
          type="password"
          autocomplete="off"
          spellcheck="false"
          .value=${g.apiKey}
          placeholder="not needed for Foundry Local"
          @change=${(e: Event) => gateway.update({ apiKey: (e.target as HTMLInputElement).value })}
        />
        <label for="gateway-key-storage">Keep the key</label>
        <select
          id="gateway-key-storage"
          @change=${(e: Event) => gateway.update({ keyStorage: (e.target as HTMLSelectElement).value as KeyStorage })}
        >
          ${(Object.keys(KEY_STORAGE_LABEL) as KeyStorage[]).map(
            (k) => html`<option value=${k} ?selected=${g.keyStorage === k}>${KEY_STORAGE_LABEL[k]}</option>`,
          )}
        </select>
        <label class="check">
          <input
            type="checkbox"
            .checked=${g.fallback}
            @change=${(e: Event) => gateway.update({ fallback: (e.target as HTMLInputElement).checked })}
          />
          Use it when the browser cannot run a model
        </label>
        <button type="submit" ?disabled=${testing}>${testing ? 'Testing…' : 'Test connection'}</button>
      </form>
      ${this.renderResult()}
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        font-size: 0.9em;
        margin-top: 20px;
        padding-top: 16px;
        border-top: 1px solid var(--border);
      }
      h2 {
        font-size: 0.72em;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
        margin: 0 0 6px;
      }
      .intro {
        margin: 0 0 10px;
        line-height: 1.45;
        font-size: 0.92em;
      }
      code {
        font-size: 0.95em;
      }
      form {
        display: grid;
        gap: 4px;
      }
      label {
        font-weight: 600;
        margin-top: 6px;
      }
      label.check {
        font-weight: normal;
        display: flex;
        gap: 8px;
        align-items: center;
        margin: 8px 0;
      }
      input[type='url'],
      input[type='password'],
      select {
        width: 100%;
      }
      button[type='submit'] {
        justify-self: start;
      }
      .result {
        margin-top: 10px;
        line-height: 1.45;
        overflow-wrap: anywhere;
      }
      .result p {
        margin: 0 0 4px;
      }
      .failed {
        color: var(--danger);
      }
      .dot {
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--success);
        margin-right: 6px;
      }
      svg.i {
        width: 14px;
        height: 14px;
        vertical-align: -2px;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'gateway-panel': GatewayPanel;
  }
}
