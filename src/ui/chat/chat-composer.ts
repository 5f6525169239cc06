import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';

/** The user submitted a prompt. */
export class SendPromptEvent extends Event {
  static readonly type = 'send-prompt';
  constructor(readonly text: string) {
    super(SendPromptEvent.type, { bubbles: true, composed: true });
  }
}

/** The user asked to stop the running answer. */
export class StopGenerationEvent extends Event {
  static readonly type = 'stop-generation';
  constructor() {
    super(StopGenerationEvent.type, { bubbles: true, composed: true });
  }
}

/** The prompt box. Enter sends, Shift+Enter adds a line, Esc stops a running answer. */
@customElement('chat-composer')
export class ChatComposer extends LitElement {
  /** An answer is streaming: the button becomes Stop. */
  @property({ type: Boolean }) busy = false;
  /** Why sending is not possible right now (a benchmark holds the engine); empty when it is. */
  @property() blocked = '';
  /** Placeholder, e.g. which model will answer. */
  @property() placeholder = 'Ask something…';

  @state() private text = '';
  @query('textarea') private textarea!: HTMLTextAreaElement;

  override focus(): void {
    this.textarea.focus();
  }

  /** Puts text in the box (example prompts) and focuses it. */
  fill(text: string): void {
    this.text = text;
    void this.updateComplete.then(() => {
      this._resize();
      this.textarea.focus();
    });
  }

  private _resize(): void {
    const t = this.textarea;
    t.style.height = 'auto';
    t.style.height = `${Math.min(t.scrollHeight, 240)}px`;
  }

  private _send(): void {
    const text = this.text.trim();
    if (!text || this.busy || this.blocked) return;
    this.dispatchEvent(new SendPromptEvent(text));
    this.text = '';
    void this.updateComplete.then(() => this._resize());
  }

  private _onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this._send();
    }
  }

  private _onInput(event: InputEvent): void {
    this.text = (event.target as HTMLTextAreaElement).value;
    this._resize();
  }

  protected override render() {
    return html`<form
        @submit=${(e: Event) => {
          e.preventDefault();
          this._send();
        }}
      >
        <label for="prompt" class="visually-hidden">Message</label>
        <textarea
          id="prompt"
          rows="1"
          .value=${this.text}
          placeholder=${this.placeholder}
          @input=${this._onInput}
          @keydown=${this._onKey}
          aria-describedby="hint"
        ></textarea>
        ${
          this.busy
            ? html`<button
                type="button"
                class="stop"
                @click=${() => this.dispatchEvent(new StopGenerationEvent())}
                aria-label="Stop generating"
              >
                ${icons.stop} Stop
              </button>`
            : html`<button
                type="submit"
                class="primary send"
                ?disabled=${!this.text.trim() || this.blocked !== ''}
                aria-label="Send message"
              >
                ${icons.send} Send
              </button>`
        }
      </form>
      ${
        this.blocked
          ? html`<p id="hint" class="hint blocked" role="status">${this.blocked}. You can type; sending waits until it is done.</p>`
          : html`<p id="hint" class="hint muted">
              <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Esc</kbd> to stop
            </p>`
      }`;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        align-items: flex-end;
        gap: 8px;
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: 14px;
        padding: 8px;
        box-shadow: var(--shadow);
      }
      form:focus-within {
        border-color: var(--accent);
      }
      textarea {
        flex: 1;
        border: none;
        resize: none;
        background: transparent;
        padding: 6px;
        max-height: 240px;
        line-height: 1.5;
      }
      textarea:focus-visible {
        outline: none;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        white-space: nowrap;
      }
      .stop {
        color: var(--danger);
      }
      .hint {
        margin: 6px 4px 0;
        font-size: 0.75em;
      }
      .hint.blocked {
        color: var(--warning);
      }
      kbd {
        font-family: inherit;
        border: 1px solid var(--border);
        border-bottom-width: 2px;
        border-radius: 4px;
        padding: 0 4px;
      }
      @media (max-width: 600px) {
        .hint:not(.blocked) {
          display: none;
        }
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': ChatComposer;
  }
  interface GlobalEventHandlersEventMap {
    'send-prompt': SendPromptEvent;
    'stop-generation': StopGenerationEvent;
  }
}
