import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { createRef, ref } from 'lit/directives/ref.js';
import '../shared/latency-bar';
import { formatMs, formatRate, type AnswerMetrics } from '../../metrics/answer-metrics';
import type { Turn } from '../../chat/conversation';
import { StreamingMarkdown, type RenderStatus } from '../../render/streaming-markdown';
import { copyText } from '../shared/clipboard';
import { icons } from '../shared/icons';
import { BACKEND_LABEL } from '../shared/model-label';
import { controls } from '../shared/styles';
import { chatMessageStyles } from './chat-message.styles';
import './reasoning-block';
import './answer-sources';
import { passageLabel, type AnswerSources } from './answer-sources';
import { addCitationButtons } from './citation-marks';

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

/** "58 prompt tokens, 42 of them from the previous answer's cache (not read again)". */
function prefillTitle(m: AnswerMetrics): string {
  const cached = m.cachedPromptTokens ?? 0;
  return cached
    ? `${m.promptTokens} prompt tokens, ${cached} of them from the previous answer's cache (not read again); the rate counts the ${m.promptTokens - cached} read`
    : `${m.promptTokens} prompt tokens read`;
}

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
  /** Shown instead of the model's name, with no backend or route: a blind comparison ("Answer 1"). */
  @property() blindLabel = '';

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
        decorate: (fragment) => {
          addCopyButtons(fragment);
          const passages = this.turn.meta?.grounding?.passages ?? [];
          addCitationButtons(fragment, passages.length, (n) => {
            const p = passages.find((x) => x.n === n);
            return p ? passageLabel(p) : `passage ${n}`;
          });
        },
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
      ${
        this.actionable
          ? html`<div class="actions">
              <button class="ghost icon" @click=${this._startEdit} aria-label="Edit and resend">${icons.edit} Edit</button>
            </div>`
          : nothing
      }`;
  }

  private renderMetrics() {
    const m = this.turn.meta?.metrics;
    if (!m) return nothing;
    // With reasoning, TTFT is to the answer's first token; the first token of all came earlier.
    const ttftTitle =
      m.reasoningTokens === undefined
        ? 'Time to first token'
        : `Time to the answer's first token (first reasoning token: ${formatMs(m.firstTokenMs ?? null)})`;
    return html`<span class="metrics" title="Measured where tokens are produced">
      <span title=${ttftTitle}>TTFT <b>${formatMs(m.ttftMs)}</b></span>
      <span title=${prefillTitle(m)}
        >prefill
        <b>${formatRate(m.prefillTokensPerSec)}</b>${m.cachedPromptTokens ? html` · <b>${m.cachedPromptTokens}</b> cached` : nothing}</span
      >
      <span>decode <b>${formatRate(m.decodeTokensPerSec)}</b></span>
      <span
        ><b>${m.generatedTokens}</b>
        tokens${m.reasoningTokens === undefined ? nothing : html` (<b>${m.reasoningTokens}</b> reasoning)`}</span
      >
      <span>total <b>${formatMs(m.totalMs)}</b>${m.parts ? html` <latency-bar .parts=${m.parts}></latency-bar>` : nothing}</span>
      ${
        m.retrievalMs === undefined
          ? nothing
          : html`<span title="Finding and fitting the passages, before the model got the question"
              >retrieval <b>${formatMs(m.retrievalMs)}</b></span
            >`
      }
    </span>`;
  }

  /** A citation mark was clicked: open the passage it names. */
  private _onAnswerClick(event: Event): void {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('button.cite') : null;
    const n = Number(target?.dataset['cite']);
    if (!target || !Number.isInteger(n)) return;
    void this.renderRoot.querySelector<AnswerSources>('answer-sources')?.show(n);
  }

  private renderAssistant() {
    const meta = this.turn.meta;
    const empty = this.turn.content === '';
    return html`
      ${
        this.blindLabel
          ? html`<div class="who"><span class="model">${this.blindLabel}</span></div>`
          : meta
            ? html`<div class="who">
                  <span class="model">${meta.modelName}</span>
                  ${
                    // No route reason: no model took the question (errorMeta), so there is no backend or variant to name.
                    meta.routeReason
                      ? html`<span class="chip" title=${meta.routeReason}>${BACKEND_LABEL[meta.backend]} · ${meta.dtype}</span>`
                      : nothing
                  }
                </div>
                ${meta.backend === 'gateway' ? html`<p class="route">Answered ${meta.routeReason}</p>` : nothing}`
            : nothing
      }
      ${
        this.turn.reasoning
          ? html`<reasoning-block
              .text=${this.turn.reasoning}
              ?streaming=${this.streaming}
              ?answering=${!empty}
              .tokens=${meta?.metrics?.reasoningTokens ?? null}
              .ms=${meta?.metrics?.reasoningMs ?? null}
            ></reasoning-block>`
          : nothing
      }
      <div class="markdown" aria-busy=${this.streaming ? 'true' : 'false'} @click=${this._onAnswerClick}>
        ${empty && this.streaming && !this.turn.reasoning ? html`<span class="thinking">Thinking…</span>` : nothing}
        <div class="md-body" ${ref(this.body)}></div>
        ${this.streaming && !empty ? html`<span class="caret" aria-hidden="true"></span>` : nothing}
      </div>
      ${
        this.plainText
          ? html`<p class="notice plain-notice">Part of this answer is shown as plain text: its Markdown nests too deeply to format.</p>`
          : nothing
      }
      ${meta?.grounding ? html`<answer-sources .grounding=${meta.grounding} ?gateway=${meta.backend === 'gateway'}></answer-sources>` : nothing}
      ${meta?.notice ? html`<p class="notice">${meta.notice}</p>` : nothing}
      ${meta?.error ? html`<p class="error" role="alert">${icons.alert} ${meta.error}</p>` : nothing}
      <div class="footer">
        ${meta?.stopReason === 'aborted' ? html`<span class="tag">stopped</span>` : nothing}
        ${meta?.stopReason === 'length' ? html`<span class="tag">token limit reached</span>` : nothing} ${this.renderMetrics()}
        ${
          !this.streaming && !empty
            ? html`<button class="ghost icon" @click=${() => this._copy(this.turn.content)} aria-label="Copy answer">
                ${this.copied ? icons.check : icons.copy}
              </button>`
            : nothing
        }
        ${
          this.actionable && !this.streaming
            ? html`<button class="ghost icon" @click=${() => this.dispatchEvent(new RegenerateEvent())} aria-label="Regenerate answer">
                ${icons.refresh}
              </button>`
            : nothing
        }
      </div>
    `;
  }

  protected override render() {
    return html`<article class=${this.turn.role} aria-label=${this.turn.role === 'user' ? 'You' : 'Assistant'}>
      ${this.turn.role === 'user' ? this.renderUser() : this.renderAssistant()}
    </article>`;
  }

  static override styles = [controls, chatMessageStyles];
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
