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
