import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { createRef, ref } from 'lit/directives/ref.js';
import { formatMs } from '../../metrics/answer-metrics';
import { icons } from '../shared/icons';

/** While streaming, only this much of the end of the reasoning is shown (its tail moves, the rest would only grow the DOM). */
export const STREAMING_TAIL_CHARS = 16 * 1024;

/** "16 KB", "1.2 MB". */
function size(chars: number): string {
  return chars < 1024 * 1024 ? `${Math.max(1, Math.round(chars / 1024))} KB` : `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

/** The last `limit` characters of `text`, never starting inside a surrogate pair. */
function tail(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const start = text.length - limit;
  const code = text.charCodeAt(start);
  return text.slice(code >= 0xdc00 && code <= 0xdfff ? start + 1 : start);
}

/**
 * A turn's reasoning, apart from its answer. Open while the model reasons and the answer has not
 * begun, collapsed once it begins; after the person opens or closes it, it stays as they left it.
 *
 * The text is untrusted model output and may be huge, so it is plain text (`textContent`, never
 * HTML), written into the page only while open and only when what is shown changed. While the
 * answer streams, only its last 16 KB are shown; all of it once the answer is done.
 */
@customElement('reasoning-block')
export class ReasoningBlock extends LitElement {
  /** The reasoning so far. */
  @property({ attribute: false }) text = '';
  /** True while the answer (reasoning or text) is still streaming. */
  @property({ type: Boolean }) streaming = false;
  /** True once the answer's own text has begun. */
  @property({ type: Boolean }) answering = false;
  /** Reasoning tokens and time, once the answer is measured (null before, or for answers stored without them). */
  @property({ attribute: false }) tokens: number | null = null;
  @property({ attribute: false }) ms: number | null = null;

  /** The person's choice; null: follow the answer (open while only reasoning streams). */
  @state() private chosen: boolean | null = null;

  private readonly body = createRef<HTMLDivElement>();
  /** What the body holds now, so an unchanged text is never written again. */
  private shown = '';

  /** Whether the reasoning is shown. */
  get open(): boolean {
    return this.chosen ?? (this.streaming && !this.answering);
  }

  private _onSummaryClick(event: Event): void {
    // The element decides (a <details> toggling itself would race the automatic closing).
    event.preventDefault();
    this.chosen = !this.open;
  }

  private summary(): string {
    if (this.streaming && !this.answering) return 'Reasoning…';
    if (this.tokens === null || this.ms === null) return 'Reasoning';
    return `Reasoned for ${formatMs(this.ms)} · ${this.tokens} token${this.tokens === 1 ? '' : 's'}`;
  }

  protected override render() {
    const open = this.open;
    const clipped = open && this.streaming && this.text.length > STREAMING_TAIL_CHARS;
    return html`<details ?open=${open}>
      <summary @click=${this._onSummaryClick}>
        <span class="chevron">${icons.chevron}</span>
        <span class="title">${this.summary()}</span>
        ${this.streaming && !this.answering ? html`<span class="pulse" aria-hidden="true"></span>` : nothing}
      </summary>
      ${
        clipped
          ? html`<p class="clip">
              Showing the last ${size(STREAMING_TAIL_CHARS)} of ${size(this.text.length)}; all of it once the answer is done.
            </p>`
          : nothing
      }
      <div class="text" ${ref(this.body)}></div>
    </details>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const body = this.body.value;
    if (!body) return;
    const wanted = !this.open ? '' : this.streaming ? tail(this.text, STREAMING_TAIL_CHARS) : this.text;
    if (wanted === this.shown) return;
    body.textContent = wanted;
    this.shown = wanted;
    // The newest reasoning stays in view while it streams.
    if (this.streaming) body.scrollTop = body.scrollHeight;
  }

  static override styles = css`
    :host {
      display: block;
      margin: 0 0 10px;
    }
    details {
      border: 1px solid var(--border);
      border-radius: 10px;
      background: var(--surface-2);
      font-size: 0.88em;
      color: var(--muted);
    }
    summary {
      display: flex;
      align-items: center;
      gap: 6px;
      padding: 6px 10px;
      cursor: pointer;
      list-style: none;
      user-select: none;
      border-radius: 10px;
      font-variant-numeric: tabular-nums;
    }
    summary::-webkit-details-marker {
      display: none;
    }
    summary:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 1px;
    }
    .title {
      font-weight: 600;
    }
    .chevron {
      display: inline-flex;
      transition: transform 120ms ease;
    }
    .chevron .i {
      width: 14px;
      height: 14px;
    }
    details[open] .chevron {
      transform: rotate(90deg);
    }
    .pulse {
      width: 6px;
      height: 6px;
      border-radius: 50%;
      background: var(--accent);
      animation: pulse 1.2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.25;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .pulse,
      .chevron {
        animation: none;
        transition: none;
      }
    }
    .clip {
      margin: 0;
      padding: 0 12px 4px;
      font-size: 0.9em;
      font-style: italic;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      padding: 2px 12px 10px 30px;
      line-height: 1.5;
      max-height: 24em;
      overflow-y: auto;
    }
    .text:empty {
      display: none;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'reasoning-block': ReasoningBlock;
  }
}
