import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Conversation } from '../../chat/conversation';
import { conversationToJson, conversationToMarkdown, exportFileName } from '../../chat/export';
import { downloadText } from '../shared/download';
import { icons } from '../shared/icons';
import { PlaygroundController } from '../shared/app-watch';
import { controls } from '../shared/styles';

const DAY = 86_400_000;

/** The user opened a conversation (the phone layout closes its drawer on this). */
export class ConversationChosenEvent extends Event {
  static readonly type = 'conversation-chosen';
  constructor() {
    super(ConversationChosenEvent.type, { bubbles: true, composed: true });
  }
}

function group(updatedAt: number, now: number): string {
  const startOfToday = new Date(now).setHours(0, 0, 0, 0);
  if (updatedAt >= startOfToday) return 'Today';
  if (updatedAt >= startOfToday - DAY) return 'Yesterday';
  if (updatedAt >= startOfToday - 7 * DAY) return 'Previous 7 days';
  return 'Older';
}

/** The saved conversations: switch, rename, export, delete. */
@customElement('conversation-list')
export class ConversationList extends LitElement {
  private readonly app = new PlaygroundController(this);
  @state() private renaming: string | null = null;
  @state() private confirmDelete: string | null = null;
  @state() private menuFor: string | null = null;

  private _rename(event: Event, id: string): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input.rename');
    if (input) void this.app.value?.rename(id, input.value);
    this.renaming = null;
  }

  private _startRename(id: string): void {
    this.menuFor = null;
    this.renaming = id;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input.rename')?.select());
  }

  private renderItem(c: Conversation, current: boolean) {
    if (this.renaming === c.id) {
      return html`<form class="item" @submit=${(e: Event) => this._rename(e, c.id)}>
        <label class="visually-hidden" for="rename-${c.id}">New name</label>
        <input
          id="rename-${c.id}"
          class="rename"
          .value=${c.title}
          @blur=${(e: Event) => this._rename(e, c.id)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.renaming = null)}
        />
      </form>`;
    }
    if (this.confirmDelete === c.id) {
      return html`<div class="item confirm" role="group" aria-label="Confirm delete">
        <span>Delete “${c.title}”?</span>
        <button class="danger" @click=${() => {
          this.confirmDelete = null;
          void this.app.value?.remove(c.id);
        }}>Delete</button>
        <button class="ghost" @click=${() => (this.confirmDelete = null)}>Cancel</button>
      </div>`;
    }
    return html`<div class="item ${current ? 'current' : ''}">
      <button class="title" aria-current=${current ? 'true' : 'false'} @click=${() => {
        this.app.value?.switchTo(c.id);
        this.dispatchEvent(new ConversationChosenEvent());
      }}>
        ${c.title}
      </button>
      <button class="ghost icon more" aria-label="Actions for ${c.title}" aria-expanded=${this.menuFor === c.id ? 'true' : 'false'}
        @click=${() => (this.menuFor = this.menuFor === c.id ? null : c.id)}>${icons.more}</button>
      ${this.menuFor === c.id
        ? html`<div class="menu" role="menu">
            <button role="menuitem" @click=${() => this._startRename(c.id)}>${icons.edit} Rename</button>
            <button role="menuitem" ?disabled=${c.turns.length === 0} @click=${() => {
              this.menuFor = null;
              downloadText(exportFileName(c, 'md'), conversationToMarkdown(c), 'text/markdown');
            }}>${icons.download} Export Markdown</button>
            <button role="menuitem" ?disabled=${c.turns.length === 0} @click=${() => {
              this.menuFor = null;
              downloadText(exportFileName(c, 'json'), conversationToJson(c), 'application/json');
            }}>${icons.download} Export JSON</button>
            <button role="menuitem" class="danger" @click=${() => {
              this.menuFor = null;
              this.confirmDelete = c.id;
            }}>${icons.trash} Delete</button>
          </div>`
        : nothing}
    </div>`;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return nothing;
    const now = Date.now();
    const visible = app.conversations.filter((c) => c.turns.length > 0 || c.id === app.currentId);
    let lastGroup = '';
    return html`
      <button class="new" @click=${() => {
        app.newConversation();
        this.dispatchEvent(new ConversationChosenEvent());
      }}>${icons.plus} New chat</button>
      <nav aria-label="Conversations">
        ${visible.map((c) => {
          const g = c.turns.length === 0 ? 'Today' : group(c.updatedAt, now);
          const heading = g !== lastGroup ? html`<h3>${g}</h3>` : nothing;
          lastGroup = g;
          return html`${heading}${this.renderItem(c, c.id === app.currentId)}`;
        })}
      </nav>
    `;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
        min-height: 0;
      }
      .new {
        display: flex;
        align-items: center;
        justify-content: center;
        gap: 6px;
        width: 100%;
        background: var(--surface);
      }
      nav {
        overflow-y: auto;
        min-height: 0;
      }
      h3 {
        font-size: 0.72em;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
        margin: 12px 8px 4px;
        font-weight: 600;
      }
      .item {
        position: relative;
        display: flex;
        align-items: center;
        border-radius: 8px;
      }
      .item:hover,
      .item.current {
        background: var(--surface-2);
      }
      .title {
        flex: 1;
        min-width: 0;
        text-align: left;
        background: none;
        border: none;
        padding: 7px 8px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .item.current .title {
        font-weight: 600;
      }
      .more {
        opacity: 0;
      }
      .item:hover .more,
      .item.current .more,
      .more:focus-visible,
      .more[aria-expanded='true'] {
        opacity: 1;
      }
      .menu {
        position: absolute;
        right: 0;
        top: 100%;
        z-index: 10;
        display: flex;
        flex-direction: column;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 8px;
        box-shadow: var(--shadow);
        padding: 4px;
        min-width: 180px;
      }
      .menu button {
        display: flex;
        gap: 8px;
        align-items: center;
        background: none;
        border: none;
        text-align: left;
      }
      .menu button:hover:not(:disabled) {
        background: var(--surface-2);
      }
      input.rename {
        width: 100%;
      }
      form.item {
        padding: 2px;
      }
      .confirm {
        flex-wrap: wrap;
        gap: 6px;
        padding: 6px 8px;
        font-size: 0.9em;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-list': ConversationList;
  }
  interface GlobalEventHandlersEventMap {
    'conversation-chosen': ConversationChosenEvent;
  }
}
