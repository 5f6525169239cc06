import { provide } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { BenchSession } from '../../app/bench-session';
import type { CacheManager } from '../../app/cache-manager';
import type { RequestLog } from '../../privacy/request-log';
import type { Playground } from '../../app/playground';
import { playgroundContext } from '../shared/app-context';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';
import '../chat/chat-view';
import '../chat/conversation-list';
import '../models/model-panel';
import '../settings/settings-panel';
import '../settings/gateway-panel';
import '../settings/cache-panel';
import './privacy-meter';
import './status-line';

type Drawer = 'none' | 'sidebar' | 'settings';
type Tab = 'chat' | 'bench';

/** The Benchmark tab and chart.js load on first use: the chat's first paint does not wait for them. */
function loadBenchView(): void {
  void import('../bench/bench-view');
}

/**
 * The page: header with the status line, conversations and model on the left, the chat in the
 * middle, settings on the right. Below 1100 px the settings become a drawer; below 760 px the
 * left panel does too.
 */
@customElement('playground-app')
export class PlaygroundApp extends LitElement {
  /** The app service; null while it boots (the shell is already interactive). */
  @provide({ context: playgroundContext })
  @property({ attribute: false })
  playground: Playground | undefined;

  /** A fatal startup error (e.g. the catalog did not validate), shown instead of the chat. */
  @property() failure = '';

  /** The benchmark service; the Benchmark tab waits for it like the chat waits for `playground`. */
  @property({ attribute: false })
  bench: BenchSession | undefined;

  /** What is stored on this device, for the cache panel. */
  @property({ attribute: false })
  cache: CacheManager | undefined;

  /** Every request the app makes, for the privacy meter. */
  @property({ attribute: false })
  requests: RequestLog | undefined;

  @state() private drawer: Drawer = 'none';
  // A link or a reload to #benchmark opens the tab directly.
  @state() private tab: Tab = location.hash === '#benchmark' ? 'bench' : 'chat';

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.tab === 'bench') loadBenchView();
    // chart.js arrives after the first paint; the element upgrades in place when it does.
    void import('../chat/latency-chart');
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.drawer !== 'none' && !this.playground?.generating) this.drawer = 'none';
    });
  }

  private _showTab(tab: Tab): void {
    if (tab === 'bench') loadBenchView();
    this.tab = tab;
    this.drawer = 'none';
    history.replaceState(null, '', tab === 'bench' ? '#benchmark' : location.pathname + location.search);
  }

  private _toggle(drawer: Drawer): void {
    this.drawer = this.drawer === drawer ? 'none' : drawer;
  }

  private renderNotices() {
    const app = this.playground;
    if (!app?.notices.length) return nothing;
    return html`<div class="notices" role="region" aria-label="Notices">
      ${app.notices.map(
        (n) => html`<div class="notice ${n.level}" role=${n.level === 'error' ? 'alert' : 'status'}>
          <span>${n.text}</span>
          <button class="ghost icon" aria-label="Dismiss" @click=${() => app.dismiss(n.id)}>${icons.close}</button>
        </div>`,
      )}
    </div>`;
  }

  protected override render() {
    return html`
      <header>
        <button class="ghost icon only-narrow ${this.tab === 'bench' ? 'off' : ''}" aria-label="Conversations and model" aria-expanded=${this.drawer === 'sidebar' ? 'true' : 'false'}
          @click=${() => this._toggle('sidebar')}>${icons.menu}</button>
        <h1 aria-label="Playground"><span class="logo" aria-hidden="true">◆</span> <span class="name">Playground</span></h1>
        <nav class="tabs" aria-label="View">
          <button class="tab" aria-pressed=${this.tab === 'chat' ? 'true' : 'false'} @click=${() => this._showTab('chat')}>Chat</button>
          <button class="tab" aria-pressed=${this.tab === 'bench' ? 'true' : 'false'} @click=${() => this._showTab('bench')}>Benchmark</button>
        </nav>
        <status-line></status-line>
        <privacy-meter .log=${this.requests}></privacy-meter>
        <button class="ghost icon only-medium ${this.tab === 'bench' ? 'off' : ''}" aria-label="Settings" aria-expanded=${this.drawer === 'settings' ? 'true' : 'false'}
          @click=${() => this._toggle('settings')}>${icons.sliders}<span class="label">Settings</span></button>
      </header>
      ${this.failure
        ? html`<main class="failure" role="alert"><h2>The playground could not start</h2><p>${this.failure}</p></main>`
        : html`<div class="body" data-drawer=${this.drawer} data-tab=${this.tab}>
            <aside class="sidebar" aria-label="Conversations and model">
              <conversation-list @conversation-chosen=${() => (this.drawer = 'none')}></conversation-list>
              <model-panel></model-panel>
            </aside>
            <main ?hidden=${this.tab !== 'chat'}>${this.playground ? html`<chat-view></chat-view>` : html`<p class="booting muted">Starting…</p>`}</main>
            ${this.tab === 'bench' ? html`<main class="bench"><bench-view .session=${this.bench} .playground=${this.playground}></bench-view></main>` : nothing}
            <aside class="settings" aria-label="Settings">
              <settings-panel></settings-panel>
              <latency-chart></latency-chart>
              <gateway-panel></gateway-panel>
              <cache-panel .manager=${this.cache}></cache-panel>
            </aside>
            <div class="scrim" @click=${() => (this.drawer = 'none')}></div>
          </div>`}
      ${this.renderNotices()}
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: grid;
        grid-template-rows: auto 1fr;
        height: 100dvh;
        background: var(--bg);
        color: var(--text);
      }
      header {
        display: flex;
        align-items: center;
        gap: 14px;
        padding: 8px 16px;
        border-bottom: 1px solid var(--border);
        background: var(--surface);
        min-width: 0;
      }
      h1 {
        font-size: 1em;
        font-weight: 650;
        margin: 0;
        white-space: nowrap;
        display: flex;
        align-items: center;
        gap: 8px;
      }
      .logo {
        color: var(--accent);
      }
      status-line {
        flex: 1;
      }
      .tabs {
        display: flex;
        gap: 2px;
        padding: 2px;
        border-radius: 9px;
        background: var(--surface-2);
      }
      .tab {
        border: none;
        background: transparent;
        padding: 4px 12px;
        border-radius: 7px;
        color: var(--muted);
      }
      .tab[aria-pressed='true'] {
        background: var(--surface);
        color: var(--text);
        box-shadow: var(--shadow);
      }
      header button.off {
        visibility: hidden;
      }
      main[hidden] {
        display: none;
      }
      .body[data-tab='bench'] {
        grid-template-columns: minmax(0, 1fr);
      }
      .body[data-tab='bench'] aside,
      .body[data-tab='bench'] .scrim {
        display: none;
      }
      .body {
        display: grid;
        grid-template-columns: 272px minmax(0, 1fr) 288px;
        min-height: 0;
        position: relative;
      }
      aside {
        background: var(--surface);
        min-height: 0;
        overflow-y: auto;
        padding: 14px;
      }
      .sidebar {
        border-right: 1px solid var(--border);
        display: flex;
        flex-direction: column;
        gap: 16px;
      }
      .sidebar conversation-list {
        flex: 1;
        /* A tall model panel (an error with recovery offers) scrolls the sidebar instead of
           squeezing the list until "New chat" overlaps it. */
        min-height: 9rem;
      }
      .sidebar model-panel {
        border-top: 1px solid var(--border);
        flex-shrink: 0;
        padding-top: 14px;
      }
      .settings {
        border-left: 1px solid var(--border);
      }
      latency-chart,
      cache-panel {
        border-top: 1px solid var(--border);
        margin-top: 16px;
        padding-top: 14px;
      }
      main {
        min-height: 0;
        min-width: 0;
      }
      .booting {
        text-align: center;
        margin-top: 20vh;
      }
      .failure {
        max-width: 640px;
        margin: 10vh auto;
        padding: 0 20px;
        color: var(--danger);
      }
      .scrim {
        display: none;
      }
      button.only-narrow,
      button.only-medium {
        display: none;
      }
      .notices {
        position: fixed;
        bottom: 16px;
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
      @media (max-width: 1100px) {
        .body {
          grid-template-columns: 272px minmax(0, 1fr);
        }
        button.only-medium {
          display: inline-flex;
        }
        .settings {
          position: absolute;
          right: 0;
          top: 0;
          bottom: 0;
          width: min(320px, 88vw);
          z-index: 20;
          transform: translateX(100%);
          transition: transform 160ms ease;
          visibility: hidden;
          box-shadow: var(--shadow);
        }
        .body[data-drawer='settings'] .settings {
          transform: none;
          visibility: visible;
        }
        .body[data-drawer='settings'] .scrim {
          display: block;
          position: absolute;
          inset: 0;
          z-index: 15;
          background: var(--scrim);
        }
      }
      @media (max-width: 760px) {
        header {
          gap: 8px;
          padding: 6px 8px;
        }
        .label {
          display: none;
        }
        .body {
          grid-template-columns: minmax(0, 1fr);
        }
        button.only-narrow {
          display: inline-flex;
        }
        .tab {
          padding: 4px 8px;
        }
        .sidebar {
          position: absolute;
          left: 0;
          top: 0;
          bottom: 0;
          width: min(320px, 88vw);
          z-index: 20;
          transform: translateX(-100%);
          transition: transform 160ms ease;
          visibility: hidden;
          box-shadow: var(--shadow);
        }
        .body[data-drawer='sidebar'] .sidebar {
          transform: none;
          visibility: visible;
        }
        .body[data-drawer='sidebar'] .scrim {
          display: block;
          position: absolute;
          inset: 0;
          z-index: 15;
          background: var(--scrim);
        }
      }
      @media (max-width: 480px) {
        /* The tabs need the room; the logo stays as the brand. */
        h1 .name {
          display: none;
        }
      }
            @media (prefers-reduced-motion: reduce) {
        .sidebar,
        .settings {
          transition: none;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'playground-app': PlaygroundApp;
  }
}
