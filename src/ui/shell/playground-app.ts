import { provide } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Playground } from '../../app/playground';
import { appContext } from '../shared/app-context';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';
import '../chat/chat-view';
import '../chat/conversation-list';
import '../models/model-panel';
import '../settings/settings-panel';
import '../settings/gateway-panel';
import '../settings/cache-panel';
import './notice-list';
import './privacy-meter';
import './status-line';
import { playgroundAppStyles } from './playground-app.styles';

type Drawer = 'none' | 'sidebar' | 'settings';
type Tab = 'chat' | 'compare' | 'bench';

/** Each tab but the chat has an address, so a link or a reload opens it. */
const TAB_HASH: Record<Exclude<Tab, 'chat'>, string> = { compare: '#compare', bench: '#benchmark' };

function tabOf(hash: string): Tab {
  return hash === TAB_HASH.bench ? 'bench' : hash === TAB_HASH.compare ? 'compare' : 'chat';
}

/** The Compare and Benchmark tabs (and chart.js) load on first use: the chat's first paint does not wait for them. */
function loadTab(tab: Tab): void {
  if (tab === 'bench') void import('../bench/bench-view');
  else if (tab === 'compare') void import('../compare/compare-view');
}

/**
 * The page: header with the status line, conversations and model on the left, the chat in the
 * middle, settings on the right. Below 1100 px the settings become a drawer; below 760 px the
 * left panel does too.
 */
@customElement('playground-app')
export class PlaygroundApp extends LitElement {
  /** The root of the app's state, for every element below; undefined while it boots (the shell is already interactive). */
  @provide({ context: appContext })
  @property({ attribute: false })
  app: Playground | undefined;

  /** A fatal startup error (e.g. the catalog did not validate), shown instead of the chat. */
  @property() failure = '';

  @state() private drawer: Drawer = 'none';
  // A link or a reload to #benchmark or #compare opens the tab directly.
  @state() private tab: Tab = tabOf(location.hash);

  override connectedCallback(): void {
    super.connectedCallback();
    loadTab(this.tab);
    // chart.js arrives after the first paint; the element upgrades in place when it does.
    void import('../chat/latency-chart');
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.drawer !== 'none' && !this.app?.generation.generating) this.drawer = 'none';
    });
  }

  private _showTab(tab: Tab): void {
    loadTab(tab);
    this.tab = tab;
    this.drawer = 'none';
    history.replaceState(null, '', tab === 'chat' ? location.pathname + location.search : TAB_HASH[tab]);
  }

  private _toggle(drawer: Drawer): void {
    this.drawer = this.drawer === drawer ? 'none' : drawer;
  }

  protected override render() {
    return html`
      <header>
        <button
          class="ghost icon only-narrow ${this.tab !== 'chat' ? 'off' : ''}"
          aria-label="Conversations and model"
          aria-expanded=${this.drawer === 'sidebar' ? 'true' : 'false'}
          @click=${() => this._toggle('sidebar')}
        >
          ${icons.menu}
        </button>
        <h1 aria-label="Playground"><span class="logo" aria-hidden="true">◆</span> <span class="name">Playground</span></h1>
        <nav class="tabs" aria-label="View">
          <button class="tab" aria-pressed=${this.tab === 'chat' ? 'true' : 'false'} @click=${() => this._showTab('chat')}>Chat</button>
          <button class="tab" aria-pressed=${this.tab === 'compare' ? 'true' : 'false'} @click=${() => this._showTab('compare')}>
            Compare
          </button>
          <button class="tab" aria-pressed=${this.tab === 'bench' ? 'true' : 'false'} @click=${() => this._showTab('bench')}>
            Benchmark
          </button>
        </nav>
        <status-line></status-line>
        <privacy-meter></privacy-meter>
        <button
          class="ghost icon only-medium ${this.tab !== 'chat' ? 'off' : ''}"
          aria-label="Settings"
          aria-expanded=${this.drawer === 'settings' ? 'true' : 'false'}
          @click=${() => this._toggle('settings')}
        >
          ${icons.sliders}<span class="label">Settings</span>
        </button>
      </header>
      ${
        this.failure
          ? html`<main class="failure" role="alert">
              <h2>The playground could not start</h2>
              <p>${this.failure}</p>
            </main>`
          : html`<div class="body" data-drawer=${this.drawer} data-tab=${this.tab}>
              <aside class="sidebar" aria-label="Conversations and model">
                <conversation-list @conversation-chosen=${() => (this.drawer = 'none')}></conversation-list>
                <model-panel></model-panel>
              </aside>
              <main ?hidden=${this.tab !== 'chat'}>
                ${this.app ? html`<chat-view></chat-view>` : html`<p class="booting muted">Starting…</p>`}
              </main>
              ${this.tab === 'compare' && this.app ? html`<main class="compare"><compare-view></compare-view></main>` : nothing}
              ${this.tab === 'bench' ? html`<main class="bench"><bench-view></bench-view></main>` : nothing}
              <aside class="settings" aria-label="Settings">
                <settings-panel></settings-panel>
                <latency-chart></latency-chart>
                <gateway-panel></gateway-panel>
                <cache-panel></cache-panel>
              </aside>
              <div class="scrim" @click=${() => (this.drawer = 'none')}></div>
            </div>`
      }
      <notice-list></notice-list>
    `;
  }

  static override styles = [controls, playgroundAppStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'playground-app': PlaygroundApp;
  }
}
