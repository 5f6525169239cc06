import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Conversation } from '../../chat/conversation';
import { conversationToJson, conversationToMarkdown, exportFileName } from '../../chat/export';
import { downloadText } from '../shared/download';
import { icons } from '../shared/icons';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';
import { conversationListStyles } from './conversation-list.styles';

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
  private readonly app = new AppWatch(this, (app) => [app.chats]);
  @state() private renaming: string | null = null;
  @state() private confirmDelete: string | null = null;
  @state() private menuFor: string | null = null;

  private _rename(event: Event, id: string): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input.rename');
    if (input) void this.app.value?.chats.rename(id, input.value);
    this.renaming = null;
  }

  /** Downloads the conversation with its sources (their text is read from storage first). */
  private _export(c: Conversation, format: 'md' | 'json'): void {
    this.menuFor = null;
    const sources = this.app.value?.sources.exportable(c.id) ?? Promise.resolve([]);
    void sources.then((list) => {
      if (format === 'md') downloadText(exportFileName(c, 'md'), conversationToMarkdown(c, list), 'text/markdown');
      else downloadText(exportFileName(c, 'json'), conversationToJson(c, list), 'application/json');
    });
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
        <button
          class="danger"
          @click=${() => {
            this.confirmDelete = null;
            void this.app.value?.chats.remove(c.id);
          }}
        >
          Delete
        </button>
        <button class="ghost" @click=${() => (this.confirmDelete = null)}>Cancel</button>
      </div>`;
    }
    return html`<div class="item ${current ? 'current' : ''}">
      <button
        class="title"
        aria-current=${current ? 'true' : 'false'}
        @click=${() => {
          this.app.value?.chats.switchTo(c.id);
          this.dispatchEvent(new ConversationChosenEvent());
        }}
      >
        ${c.title}
      </button>
      <button
        class="ghost icon more"
        aria-label="Actions for ${c.title}"
        aria-expanded=${this.menuFor === c.id ? 'true' : 'false'}
        @click=${() => (this.menuFor = this.menuFor === c.id ? null : c.id)}
      >
        ${icons.more}
      </button>
      ${
        this.menuFor === c.id
          ? html`<div class="menu" role="menu">
              <button role="menuitem" @click=${() => this._startRename(c.id)}>${icons.edit} Rename</button>
              <button role="menuitem" ?disabled=${c.turns.length === 0} @click=${() => this._export(c, 'md')}>
                ${icons.download} Export Markdown
              </button>
              <button role="menuitem" ?disabled=${c.turns.length === 0} @click=${() => this._export(c, 'json')}>
                ${icons.download} Export JSON
              </button>
              <button
                role="menuitem"
                class="danger"
                @click=${() => {
                  this.menuFor = null;
                  this.confirmDelete = c.id;
                }}
              >
                ${icons.trash} Delete
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }

  protected override render() {
    const chats = this.app.value?.chats;
    if (!chats) return nothing;
    const now = Date.now();
    const visible = chats.conversations.filter((c) => c.turns.length > 0 || c.id === chats.currentId);
    let lastGroup = '';
    return html`
      <button
        class="new"
        @click=${() => {
          chats.newConversation();
          this.dispatchEvent(new ConversationChosenEvent());
        }}
      >
        ${icons.plus} New chat
      </button>
      <nav aria-label="Conversations">
        ${visible.map((c) => {
          const g = c.turns.length === 0 ? 'Today' : group(c.updatedAt, now);
          const heading = g !== lastGroup ? html`<h3>${g}</h3>` : nothing;
          lastGroup = g;
          return html`${heading}${this.renderItem(c, c.id === chats.currentId)}`;
        })}
      </nav>
    `;
  }

  static override styles = [controls, conversationListStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-list': ConversationList;
  }
  interface GlobalEventHandlersEventMap {
    'conversation-chosen': ConversationChosenEvent;
  }
}
