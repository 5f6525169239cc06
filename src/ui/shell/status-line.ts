import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { icons } from '../shared/icons';
import { AppWatch } from '../shared/app-watch';

/**
 * The status line: where inference runs right now and why, always true. Loading and errors show
 * here too, in one line; details are in the title (hover) and in the model panel.
 */
@customElement('status-line')
export class StatusLine extends LitElement {
  private readonly app = new AppWatch(this, (app) => [app.models.primary, app.catalog, app.settings]);
  @state() private online = navigator.onLine;
  private readonly onNetwork = (): void => {
    this.online = navigator.onLine;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onNetwork);
    window.addEventListener('offline', this.onNetwork);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onNetwork);
    window.removeEventListener('offline', this.onNetwork);
  }

  protected override render() {
    return html`${this.online ? nothing : html`<span class="offline" role="status" title="No network: bundled and downloaded models still work">Offline</span>`}${this.renderState()}`;
  }

  private renderState() {
    const app = this.app.value;
    if (!app) return html`<span class="muted">Starting…</span>`;
    const load = app.models.primary.load;
    if (load.kind === 'loading') {
      const p = load.progress;
      const m = load.measuring;
      const what = m
        ? `measuring ${m.dtype} (${m.index + 1} of ${m.total})`
        : p?.phase === 'download' && p.total > 0
          ? `${Math.floor((p.loaded / p.total) * 100)}%`
          : p?.phase === 'compile'
            ? p.message
            : 'starting worker';
      return html`<span class="state loading" role="status">${icons.chip} Loading ${load.modelId} · ${what}</span>`;
    }
    if (load.kind === 'confirm') {
      const name = app.catalog.byId(load.modelId)?.name ?? load.modelId;
      return html`<span class="state" role="status">${icons.chip} ${name} · not downloaded yet</span>`;
    }
    if (load.kind === 'error') {
      return html`<span class="state error" role="status" title=${load.message}
        >${icons.alert} ${load.modelId} ${load.recovery ? 'stopped: its device failed' : 'could not load'}</span
      >`;
    }
    if (load.kind === 'ready') {
      const r = load.route;
      const device = r.plan?.device ?? 'gateway';
      const fell = r.fallbacks.length > 0 || device === 'gateway' || (device === 'wasm' && app.settings.preferences.device === 'auto');
      const short = device === 'webgpu' ? 'WebGPU' : device === 'wasm' ? 'WASM' : 'Gateway';
      // The measured pick comes first and on its own: at the end of a long reason it would be cut off.
      const measured = r.plan?.measured;
      const why = measured ? r.reason.replace(`; ${measured} (measured)`, '') : r.reason;
      return html`<span class="state ready" role="status" title=${r.reason}>
          <span class="dot" aria-hidden="true"></span>
          <b class="long">${r.loaded.detail}</b><b class="short">${short}</b><span class="sep">·</span>${r.loaded.dtype}
        </span>
        ${measured ? html`<span class="measured" title="Picked by measuring the variants on this device">${measured}</span>` : nothing}
        ${fell ? html`<span class="why" title=${r.reason}>${why}</span>` : nothing}`;
    }
    return html`<span class="muted">No model loaded</span>`;
  }

  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 10px;
      min-width: 0;
      overflow: hidden;
      font-size: 0.85em;
    }
    .short {
      display: none;
    }
    .offline {
      flex: none;
      padding: 1px 8px;
      border-radius: 999px;
      background: var(--warning);
      color: var(--surface);
      font-weight: 600;
    }
    @media (max-width: 760px) {
      .long,
      .measured,
      .why {
        display: none;
      }
      .short {
        display: inline;
      }
    }
    .state {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      white-space: nowrap;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .loading {
      color: var(--muted);
    }
    .error {
      color: var(--danger);
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--success);
    }
    .sep {
      color: var(--muted);
    }
    .measured {
      flex: none;
      white-space: nowrap;
    }
    .why {
      color: var(--muted);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      min-width: 0;
    }
    .muted {
      color: var(--muted);
    }
    svg.i {
      width: 14px;
      height: 14px;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'status-line': StatusLine;
  }
}
