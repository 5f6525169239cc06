import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { GatewayConnection } from '../../app/gateway-connection';
import type { KeyStorage } from '../../app/gateway-settings';
import { readGatewayAddress } from '../../engine/gateway/foundry-address';
import { deviceAdvice } from '../../engine/gateway/foundry-devices';
import { errorMessage } from '../../errors/error-message';
import { icons } from '../shared/icons';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';
import './device-advice';

const KEY_STORAGE_LABEL: Record<KeyStorage, string> = {
  session: 'Until this tab closes',
  device: 'On this device',
  none: "Don't keep it",
};

/**
 * Gateway connection: address, optional API key (kept where the user chooses), automatic
 * fallback, and "Test connection" with its answer in plain words beside the button.
 *
 * The address field takes what Foundry Local's CLI prints (its port is chosen at start), a JSON
 * status or a URL, and keeps only the base URL (foundry-address.ts). A paste it cannot read stays
 * in the field, with the reason beside it.
 */
@customElement('gateway-panel')
export class GatewayPanel extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.gateway]);
  /** Why the text in the address field is not an address; empty when it is one. */
  @state() private addressError = '';
  /** What was read from a pasted status ("Read http://… from the pasted status."). */
  @state() private addressNote = '';

  /** Reads the field into the stored address; false (and the reason shown) when it holds none. */
  private _readAddress(gateway: GatewayConnection, field: HTMLInputElement, text = field.value): boolean {
    try {
      const { baseUrl, source } = readGatewayAddress(text);
      field.value = baseUrl;
      this.addressError = '';
      this.addressNote = source === 'url' ? '' : `Read ${baseUrl} from the pasted ${source === 'status-json' ? 'JSON status' : 'status'}.`;
      gateway.update({ baseUrl });
      return true;
    } catch (error) {
      this.addressNote = '';
      this.addressError = errorMessage(error);
      return false;
    }
  }

  /**
   * A single-line field drops the line breaks of a pasted status (and with them where a URL
   * ends), so a paste is read from the clipboard's own text. A whole status or URL replaces the
   * field; a fragment (a port typed into an address) is an edit, read once it is done (change).
   */
  private _paste(gateway: GatewayConnection, e: ClipboardEvent): void {
    const text = e.clipboardData?.getData('text/plain').trim() ?? '';
    const field = e.target as HTMLInputElement;
    const whole = field.selectionStart === 0 && field.selectionEnd === field.value.length;
    if (!text || (!whole && !/^https?:\/\/|[\s{[]/i.test(text))) return;
    e.preventDefault();
    if (!this._readAddress(gateway, field, text)) field.value = text.replace(/\s*[\r\n]+\s*/g, ' ');
  }

  private renderResult() {
    const app = this.app.value;
    const probe = app?.gateway.probe;
    if (!app || !probe || probe.state === 'idle') return nothing;
    if (probe.state === 'testing') return html`<p class="result muted" role="status">Testing…</p>`;
    const r = probe.report;
    if (r.ok) {
      return html`<div class="result ok" role="status">
          <p><span class="dot" aria-hidden="true"></span>${r.summary}</p>
          ${r.details.map((d) => html`<p class="muted">${d}</p>`)}
        </div>
        <device-advice .advice=${deviceAdvice(r.info, app.capabilities.webgpu)}></device-advice>`;
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
        Models too big for the browser run on Foundry Local, the bundled gateway (<code>npm run gateway</code>, on port 5273) or any
        OpenAI-compatible server.
      </p>
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          const field = this.renderRoot.querySelector<HTMLInputElement>('#gateway-url');
          // The field holds the stored address unless it was edited without a change event yet.
          if (!field || field.value === gateway.settings.baseUrl || this._readAddress(gateway, field)) void gateway.test();
        }}
      >
        <label for="gateway-url">Address</label>
        <input
          id="gateway-url"
          type="text"
          inputmode="url"
          autocomplete="url"
          spellcheck="false"
          .value=${g.baseUrl}
          placeholder="http://127.0.0.1:PORT"
          aria-describedby="gateway-url-help"
          aria-invalid=${this.addressError ? 'true' : 'false'}
          @paste=${(e: ClipboardEvent) => this._paste(gateway, e)}
          @change=${(e: Event) => this._readAddress(gateway, e.target as HTMLInputElement)}
        />
        ${
          this.addressError
            ? html`<p class="field-error" role="alert">${this.addressError}</p>`
            : this.addressNote
              ? html`<p class="field-note muted" role="status">${this.addressNote}</p>`
              : nothing
        }
        <p id="gateway-url-help" class="help muted">
          Foundry Local chooses its port when it starts, unless you set one. Run <code>foundry service status</code> (CLI 0.10 and newer:
          <code>foundry status --output json</code>) and paste its output or the URL here.
        </p>
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
      .help,
      .field-note,
      .field-error {
        margin: 2px 0 0;
        line-height: 1.4;
        font-size: 0.9em;
        overflow-wrap: anywhere;
      }
      .field-error {
        color: var(--danger);
      }
      input[aria-invalid='true'] {
        border-color: var(--danger);
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
      input[type='text'],
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
