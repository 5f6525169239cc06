import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatComposer, SendPromptEvent } from './chat-composer';
import type { EditResendEvent } from './chat-message';
import type { Conversation } from '../../chat/conversation';
import type { Playground } from '../../app/playground';
import { icons } from '../shared/icons';
import { AppWatch } from '../shared/app-watch';
import { controls } from '../shared/styles';
import './chat-composer';
import './chat-message';
import '../models/recovery-offers';
import '../sources/sources-panel';
import type { SourcesPanel } from '../sources/sources-panel';
import type { RecoverEvent } from '../models/recovery-offers';
import { chatViewStyles } from './chat-view.styles';

const EXAMPLES = ['What is 7 plus 5?', 'Tell me about the moon.', 'Show me hello world in Python.', 'Spell the word rocket.'];

/** The conversation in the middle: system prompt, turns, and the prompt box. */
@customElement('chat-view')
export class ChatView extends LitElement {
  private readonly app = new AppWatch(this, (app) => [
    app.chats,
    app.generation,
    app.models.primary,
    app.models.primary.hold,
    app.catalog,
    app.settings,
  ]);
  @query('chat-composer') private composer?: ChatComposer;
  @query('.scroller') private scroller?: HTMLElement;
  @query('sources-panel') private sourcesPanel?: SourcesPanel;
  private stickToBottom = true;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this._onGlobalKey);
    this.addEventListener('dragover', this._onDragOver);
    this.addEventListener('drop', this._onDrop);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('keydown', this._onGlobalKey);
    this.removeEventListener('dragover', this._onDragOver);
    this.removeEventListener('drop', this._onDrop);
    this.resizes.disconnect();
    this.observed = null;
    super.disconnectedCallback();
  }

  /**
   * Keeps the newest text in view while the user has not scrolled up. Answers render in animation
   * frames after Lit's updates, so this follows the size of the turns, after layout, instead of
   * forcing a layout of the whole conversation after every update.
   */
  private readonly resizes = new ResizeObserver(() => this.followBottom());
  private observed: Element | null = null;

  private followBottom(): void {
    if (this.stickToBottom && this.scroller) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Esc stops a running answer wherever the focus is. */
  private readonly _onGlobalKey = (event: KeyboardEvent): void => {
    const generation = this.app.value?.generation;
    if (event.key === 'Escape' && generation?.generating) {
      event.preventDefault();
      generation.stop();
    }
  };

  /** Files dropped anywhere on the conversation become its sources (the browser would otherwise open them). */
  private readonly _onDragOver = (event: DragEvent): void => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  };

  private readonly _onDrop = (event: DragEvent): void => {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    this.sourcesPanel?.addFiles(files);
  };

  private _onScroll(): void {
    const s = this.scroller;
    if (s) this.stickToBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 48;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const turns = this.renderRoot.querySelector('.turns');
    if (turns && turns !== this.observed) {
      this.resizes.disconnect();
      this.resizes.observe(turns);
      this.observed = turns;
    }
  }

  /** `gateway`: the address the answers come from, when they come from a gateway, not this browser. */
  private renderEmpty(modelName: string, gateway: string | null) {
    return html`<div class="empty">
      ${
        gateway === null
          ? html`<h2>Chat with ${modelName}, entirely in your browser</h2>
              <p class="muted">Nothing you type leaves this machine. Try one of these:</p>`
          : html`<h2>Chat with ${modelName} on the gateway</h2>
              <p class="muted">What you type goes to ${gateway}. Try one of these:</p>`
      }
      <div class="examples">
        ${EXAMPLES.map((text) => html`<button class="example" @click=${() => this.composer?.fill(text)}>${text}</button>`)}
      </div>
    </div>`;
  }

  /** "No network used": every answer so far was produced with zero requests (privacy meter). */
  private renderPrivacy(conversation: Conversation) {
    const answers = conversation.turns.filter((t) => t.role === 'assistant' && t.meta?.networkRequests !== undefined);
    if (answers.length === 0) return nothing;
    const used = answers.reduce((n, t) => n + (t.meta?.networkRequests ?? 0), 0);
    return used === 0
      ? html`<p class="privacy clean" data-network="none">${icons.shield} No network used in this conversation</p>`
      : html`<p class="privacy" data-network=${used}>
          ${used} network request${used === 1 ? '' : 's'} during this conversation's answers
        </p>`;
  }

  /** Where answers come from when a gateway gives them (the model lives there, or it is loaded there); null in the browser. */
  private gatewayAddress(app: Playground): string | null {
    const slot = app.models.primary;
    const load = slot.load;
    const onGateway =
      load.kind === 'ready'
        ? load.route.plan === null
        : slot.selected?.source.kind === 'gateway' || app.settings.preferences.device === 'gateway';
    return onGateway ? app.gateway.settings.baseUrl : null;
  }

  protected override render() {
    const app = this.app.value;
    if (!app) return nothing;
    const { chats, generation } = app;
    const slot = app.models.primary;
    const heldBy = slot.hold.heldBy;
    const conversation = chats.current;
    const turns = conversation.turns;
    const generating = generation.generating?.conversationId === conversation.id ? generation.generating : null;
    const lastUser = turns.map((t) => t.role).lastIndexOf('user');
    const model = slot.selected;
    const load = slot.load;
    const system = conversation.systemPrompt.trim();
    return html`
      <details class="system" ?open=${false}>
        <summary>
          <span class="label">System prompt</span>
          <span class="preview muted">${system ? system.split('\n')[0] : 'none'}</span>
        </summary>
        <label for="system" class="visually-hidden">System prompt</label>
        <textarea
          id="system"
          rows="3"
          placeholder="Instructions for the model, sent before the conversation"
          .value=${conversation.systemPrompt}
          @change=${(e: Event) => chats.setSystemPrompt((e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </details>
      <sources-panel .gateway=${this.gatewayAddress(app)}></sources-panel>
      ${this.renderPrivacy(conversation)}
      <div class="scroller" @scroll=${this._onScroll}>
        <div class="turns">
          ${turns.length === 0 ? this.renderEmpty(model?.name ?? 'a local model', this.gatewayAddress(app)) : nothing}
          ${repeat(
            turns,
            (t) => t.id,
            (turn, i) =>
              html`<chat-message
                .turn=${turn}
                ?streaming=${generating?.turnId === turn.id}
                ?actionable=${!generating && !heldBy && (i === turns.length - 1 ? turn.role === 'assistant' : i === lastUser && i === turns.length - 2)}
                @regenerate=${() => void generation.regenerate()}
                @edit-resend=${(e: EditResendEvent) => void generation.editAndResend(e.text)}
              ></chat-message>`,
          )}
        </div>
      </div>
      <div class="composer">
        ${
          load.kind === 'error' && load.recovery?.length
            ? html`<div class="recovery" role="group" aria-label="Continue this conversation">
                <span>${icons.alert} ${model?.name ?? 'The model'} stopped: its device failed. Continue with</span>
                <recovery-offers .offers=${load.recovery} @recover=${(e: RecoverEvent) => slot.recover(e.offer)}></recovery-offers>
              </div>`
            : nothing
        }
        <chat-composer
          ?busy=${generating !== null}
          blocked=${heldBy ?? ''}
          placeholder=${model ? `Message ${model.name}…` : 'Ask something…'}
          @send-prompt=${(e: SendPromptEvent) => {
            this.stickToBottom = true;
            void generation.send(e.text);
          }}
          @stop-generation=${() => generation.stop()}
        ></chat-composer>
      </div>
    `;
  }

  static override styles = [controls, chatViewStyles];
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-view': ChatView;
  }
}
