import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { createRef, ref } from 'lit/directives/ref.js';
import { formatMs, formatRate } from '../../metrics/answer-metrics';
import type { Turn } from '../../chat/conversation';
import { StreamingMarkdown, type RenderStatus } from '../../render/streaming-markdown';
import { copyText } from '../shared/clipboard';
import { icons } from '../shared/icons';
import { controls } from '../shared/styles';

/** Fired by the last user message's editor: resend with new text. */
export class EditResendEvent extends Event {
  static readonly type = 'edit-resend';
  constructor(readonly text: string) {
    super(EditResendEvent.type, { bubbles: true, composed: true });
  }
}

/** Fired by the last answer's "Regenerate" button. */
export class RegenerateEvent extends Event {
  static readonly type = 'regenerate';
  constructor() {
    super(RegenerateEvent.type, { bubbles: true, composed: true });
  }
}

const BACKEND_LABEL = { webgpu: 'WebGPU', wasm: 'WASM', gateway: 'Gateway' } as const;

/** Copy buttons for code blocks are ours, added with DOM APIs after sanitizing, never parsed from model output. */
function addCopyButtons(fragment: DocumentFragment): void {
  for (const pre of fragment.querySelectorAll('pre')) {
    const button = document.createElement('button');
    button.className = 'copy-code';
    button.type = 'button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code');
    button.addEventListener('click', () => {
      void copyText(pre.querySelector('code')?.textContent ?? '').then((ok) => {
        button.textContent = ok ? 'Copied' : 'Copy failed';
        setTimeout(() => (button.textContent = 'Copy'), 1500);
      });
    });
    pre.append(button);
  }
}

/**
 * One chat turn. Assistant text is untrusted: it is rendered through StreamingMarkdown (marked +
 * DOMPurify, block by block, in animation frames) and nothing else; user text is plain text.
 */
@customElement('chat-message')
export class ChatMessage extends LitElement {
  /** The turn to show. */
  @property({ attribute: false }) turn!: Turn;
  /** True while this answer is still streaming. */
  @property({ type: Boolean }) streaming = false;
  /** Offer "Regenerate" (last answer) or "Edit" (last user message). */
  @property({ type: Boolean }) actionable = false;

  @state() private editing = false;
  @state() private copied = false;
  /** Part of the answer could not be formatted and shows as plain text. */
  @state() private plainText = false;

  private readonly body = createRef<HTMLDivElement>();
  private markdown: StreamingMarkdown | null = null;

  /** The raw text of the turn (tests read this to compare with golden outputs). */
  get content(): string {
    return this.turn.content;
  }

  private _copy(text: string): void {
    void copyText(text).then((ok) => {
      this.copied = ok;
      if (ok) setTimeout(() => (this.copied = false), 1500);
    });
  }

  private _startEdit(): void {
    this.editing = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector('textarea')?.focus());
  }

  private _submitEdit(event: Event): void {
    event.preventDefault();
    const text = this.renderRoot.querySelector('textarea')?.value.trim() ?? '';
    if (!text) return;
    this.editing = false;
    this.dispatchEvent(new EditResendEvent(text));
  }

  private _onEditKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.editing = false;
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      this._submitEdit(event);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.markdown?.dispose();
    this.markdown = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const body = this.body.value;
    if (!body) return;
    if (this.markdown?.root !== body) {
      this.markdown?.dispose();
      this.markdown = new StreamingMarkdown(body, {
        decorate: addCopyButtons,
        onStatus: (status: RenderStatus) => (this.plainText = status.plain),
      });
    }
    this.markdown.set(this.turn.content, !this.streaming);
  }

  private renderUser() {
    if (this.editing) {
      return html`<form class="edit" @submit=${this._submitEdit}>
        <label class="visually-hidden" for="edit">Edit your message</label>
        <textarea id="edit" rows="3" .value=${this.turn.content} @keydown=${this._onEditKey}></textarea>
        <div class="row">
          <button type="button" class="ghost" @click=${() => (this.editing = false)}>Cancel</button>
          <button type="submit" class="primary">Save &amp; send</button>
        </div>
      </form>`;
    }
    return html`<div class="bubble user-text">${this.turn.content}</div>
      ${this.actionable
        ? html`<div class="actions">
            <button class="ghost icon" @click=${this._startEdit} aria-label="Edit and resend">${icons.edit} Edit</button>
          </div>`
        : nothing}`;
  }

  private renderMetrics() {
    const m = this.turn.meta?.metrics;
    if (!m) return nothing;
    return html`<span class="metrics" title="Measured where tokens are produced">
      <span>TTFT <b>${formatMs(m.ttftMs)}</b></span>
      <span>prefill <b>${formatRate(m.prefillTokensPerSec)}</b></span>
      <span>decode <b>${formatRate(m.decodeTokensPerSec)}</b></span>
      <span><b>${m.generatedTokens}</b> tokens</span>
      <span>total <b>${formatMs(m.totalMs)}</b></span>
    </span>`;
  }

  private renderAssistant() {
    const meta = this.turn.meta;
    const empty = this.turn.content === '';
    return html`
      ${meta
        ? html`<div class="who">
            <span class="model">${meta.modelName}</span>
            <span class="chip" title=${meta.routeReason}>${BACKEND_LABEL[meta.backend]} · ${meta.dtype}</span>
          </div>
          ${meta.backend === 'gateway' ? html`<p class="route">Answered ${meta.routeReason}</p>` : nothing}`
        : nothing}
      ${this.turn.reasoning
        ? html`<details class="reasoning" ?open=${this.streaming && empty}>
            <summary>Reasoning</summary>
            <p>${this.turn.reasoning}</p>
          </details>`
        : nothing}
      <div class="markdown" aria-busy=${this.streaming ? 'true' : 'false'}>
        ${empty && this.streaming ? html`<span class="thinking">Thinking…</span>` : nothing}
        <div class="md-body" ${ref(this.body)}></div>
        ${this.streaming && !empty ? html`<span class="caret" aria-hidden="true"></span>` : nothing}
      </div>
      ${this.plainText
        ? html`<p class="notice plain-notice">Part of this answer is shown as plain text: its Markdown nests too deeply to format.</p>`
        : nothing}
      ${meta?.notice ? html`<p class="notice">${meta.notice}</p>` : nothing}
      ${meta?.error ? html`<p class="error" role="alert">${icons.alert} ${meta.error}</p>` : nothing}
      <div class="footer">
        ${meta?.stopReason === 'aborted' ? html`<span class="tag">stopped</span>` : nothing}
        ${meta?.stopReason === 'length' ? html`<span class="tag">token limit reached</span>` : nothing}
        ${this.renderMetrics()}
        ${!this.streaming && !empty
          ? html`<button class="ghost icon" @click=${() => this._copy(this.turn.content)} aria-label="Copy answer">
              ${this.copied ? icons.check : icons.copy}
            </button>`
          : nothing}
        ${this.actionable && !this.streaming
          ? html`<button class="ghost icon" @click=${() => this.dispatchEvent(new RegenerateEvent())} aria-label="Regenerate answer">
              ${icons.refresh}
            </button>`
          : nothing}
      </div>
    `;
  }

  protected override render() {
    return html`<article class=${this.turn.role} aria-label=${this.turn.role === 'user' ? 'You' : 'Assistant'}>
      ${this.turn.role === 'user' ? this.renderUser() : this.renderAssistant()}
    </article>`;
  }

  static override styles = [
    controls,
    css`
      .route {
        margin: 0 0 6px;
        font-size: 0.8em;
        color: var(--muted);
      }
      .reasoning {
        margin: 0 0 8px;
        font-size: 0.88em;
        color: var(--muted);
        border-left: 2px solid var(--border);
        padding-left: 10px;
      }
      .reasoning summary {
        cursor: pointer;
      }
      .reasoning p {
        white-space: pre-wrap;
        margin: 6px 0 0;
      }
      :host {
        display: block;
      }
      article.user {
        display: flex;
        flex-direction: column;
        align-items: flex-end;
      }
      .bubble {
        background: var(--user-bubble);
        border: 1px solid var(--border);
        border-radius: 14px 14px 4px 14px;
        padding: 8px 14px;
        max-width: min(85%, 640px);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .actions {
        opacity: 0.7;
        margin-top: 2px;
        font-size: 0.85em;
      }
      form.edit {
        width: min(100%, 640px);
        display: grid;
        gap: 6px;
      }
      form.edit textarea {
        width: 100%;
        resize: vertical;
      }
      .row {
        display: flex;
        justify-content: flex-end;
        gap: 6px;
      }
      .who {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 0.85em;
        margin-bottom: 4px;
      }
      .model {
        font-weight: 600;
      }
      .chip {
        font-size: 0.9em;
        padding: 1px 8px;
        border-radius: 999px;
        background: var(--surface-2);
        border: 1px solid var(--border);
        color: var(--muted);
      }
      .markdown {
        line-height: 1.6;
        overflow-wrap: anywhere;
      }
      /* Chunks and the tail are painted and laid out on their own: a change in one leaves the
         others' work cached. Off screen, a sealed chunk costs no style, layout or paint at all
         (see streaming-markdown.ts). */
      .md-chunk,
      .md-tail {
        contain: layout paint style;
      }
      .md-chunk {
        content-visibility: auto;
        contain-intrinsic-size: auto 800px;
      }
      .md-body > :first-child > :first-child {
        margin-top: 0;
      }
      .md-body > .md-last > :last-child {
        margin-bottom: 0;
      }
      .plain-text {
        white-space: pre-wrap;
      }
      .markdown p {
        margin: 0 0 0.7em;
      }
      .markdown pre {
        position: relative;
        background: var(--code-bg);
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 12px 14px;
        overflow-x: auto;
        font-size: 0.9em;
      }
      .markdown code {
        font-family: var(--mono);
        font-size: 0.92em;
      }
      .markdown :not(pre) > code {
        background: var(--code-bg);
        padding: 1px 5px;
        border-radius: 4px;
      }
      .markdown a {
        color: var(--accent);
      }
      /* A link whose address was unsafe keeps its text, and stops looking like a link. */
      .markdown a:not([href]) {
        color: inherit;
      }
      .markdown blockquote {
        margin: 0 0 0.7em;
        padding-left: 12px;
        border-left: 3px solid var(--border-strong);
        color: var(--muted);
      }
      .markdown table {
        border-collapse: collapse;
      }
      .markdown th,
      .markdown td {
        border: 1px solid var(--border);
        padding: 4px 8px;
      }
      button.copy-code {
        position: absolute;
        top: 6px;
        right: 6px;
        font-size: 0.78em;
        padding: 2px 8px;
        opacity: 0.85;
      }
      .caret {
        display: inline-block;
        width: 0.5em;
        height: 1em;
        vertical-align: text-bottom;
        background: var(--accent);
        animation: blink 1s steps(2) infinite;
      }
      @keyframes blink {
        50% {
          opacity: 0;
        }
      }
      .thinking {
        color: var(--muted);
        font-style: italic;
      }
      .footer {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 4px 10px;
        margin-top: 6px;
        font-size: 0.8em;
        color: var(--muted);
      }
      .metrics {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 2px 10px;
        font-variant-numeric: tabular-nums;
      }
      .metrics b {
        color: var(--text);
        font-weight: 600;
      }
      .tag {
        padding: 0 6px;
        border-radius: 4px;
        background: var(--surface-2);
        border: 1px solid var(--border);
      }
      .error {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        color: var(--danger);
        font-size: 0.9em;
        margin: 8px 0 0;
      }
      .notice {
        color: var(--warning);
        font-size: 0.85em;
        margin: 6px 0 0;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-message': ChatMessage;
  }
  interface GlobalEventHandlersEventMap {
    'edit-resend': EditResendEvent;
    regenerate: RegenerateEvent;
  }
}
