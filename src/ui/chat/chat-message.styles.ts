/** One chat turn: the user's bubble, the answer's Markdown, code blocks, caret, metrics and notices (reasoning styles itself). */
import { css } from 'lit';

export const chatMessageStyles = css`
  .route {
    margin: 0 0 6px;
    font-size: 0.8em;
    color: var(--muted);
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
  /* A citation mark ([2]): our button, added after sanitizing (citation-marks.ts). */
  button.cite {
    font: inherit;
    font-size: 0.85em;
    font-weight: 600;
    color: var(--accent);
    background: var(--surface-2);
    border: 1px solid var(--border);
    border-radius: 4px;
    padding: 0 3px;
    margin: 0;
    line-height: 1.2;
    vertical-align: baseline;
    cursor: pointer;
  }
  button.cite:hover {
    border-color: var(--accent);
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
`;
