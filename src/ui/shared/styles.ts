/** Styles shared by every element: buttons, fields, focus rings. Colours come from index.css. */
import { css } from 'lit';

export const controls = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    color: inherit;
    background: var(--surface-2);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 6px 12px;
    cursor: pointer;
    line-height: 1.3;
  }
  button:hover:not(:disabled) {
    border-color: var(--border-strong);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-contrast);
  }
  button.ghost {
    background: transparent;
    border-color: transparent;
  }
  button.ghost:hover:not(:disabled) {
    background: var(--surface-2);
    border-color: var(--border);
  }
  button.danger {
    color: var(--danger);
  }
  button.icon {
    padding: 4px 6px;
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 6px 8px;
  }
  :is(button, input, select, textarea, summary, a):focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
  }
  .muted {
    color: var(--muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  svg.i {
    width: 16px;
    height: 16px;
    flex: none;
  }
`;

/** A side panel (model, settings, storage): block layout and the small-caps section heading. */
export const panel = css`
  :host {
    display: block;
    font-size: 0.9em;
  }
  h2 {
    font-size: 0.72em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--muted);
    margin: 0 0 8px;
  }
`;

/** A `<label class="file">` that looks like a button and wraps a visually hidden file input. */
export const filePicker = css`
  .file {
    font: inherit;
    color: var(--text);
    background: var(--surface-2);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 4px 10px;
    cursor: pointer;
  }
  .file:focus-within {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
  }
  .file input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
`;

/** A labelled progress bar: `.label` above a `.bar` whose `span` width is the share done, `.sub` below. */
export const progressBar = css`
  :host {
    display: block;
    font-size: 0.85em;
  }
  .label {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    margin-bottom: 4px;
  }
  .bar {
    height: 6px;
    border-radius: 999px;
    background: var(--surface-2);
    overflow: hidden;
    border: 1px solid var(--border);
  }
  .bar span {
    display: block;
    height: 100%;
    background: var(--accent);
    transition: width 120ms linear;
  }
  .sub {
    margin-top: 4px;
  }
`;
