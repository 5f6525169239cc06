/** The Sources panel: a one-line summary like the system prompt's, the list, the paste box and the drop zone. */
import { css } from 'lit';

export const sourcesPanelStyles = css`
  :host {
    display: block;
    margin: 0 auto;
    width: min(100%, 820px);
    padding: 4px 20px 0;
    font-size: 0.9em;
  }
  details {
    border-radius: 10px;
  }
  details.over {
    outline: 2px dashed var(--accent);
    outline-offset: 2px;
    background: var(--surface-2);
  }
  summary {
    cursor: pointer;
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 4px 0;
    list-style: none;
  }
  summary::before {
    content: '▸';
    color: var(--muted);
  }
  details[open] summary::before {
    content: '▾';
  }
  .label {
    font-weight: 600;
    white-space: nowrap;
  }
  .preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* Inside <details> the flat tree passes through its own slot, so box-sizing is not inherited from the host. */
  .body,
  .body * {
    box-sizing: border-box;
  }
  /* A long list scrolls here instead of pushing the conversation off screen. */
  .body {
    display: grid;
    gap: 8px;
    padding: 4px 2px 8px 0;
    max-height: 45vh;
    overflow-y: auto;
  }
  .body p {
    margin: 0;
  }
  .local,
  .gateway {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 0.92em;
  }
  .local {
    color: var(--success);
  }
  .gateway {
    color: var(--warning);
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    border: 1px solid var(--border);
    border-radius: 10px;
    background: var(--surface);
  }
  .source + .source {
    border-top: 1px solid var(--border);
  }
  .source {
    padding: 4px 6px 4px 10px;
  }
  .line {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 30px;
  }
  .name {
    font-weight: 500;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
  .facts {
    flex: 1;
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .adding .name {
    color: var(--muted);
  }
  .warning {
    color: var(--warning);
    font-size: 0.85em;
    margin: 0 0 4px;
  }
  .error {
    display: flex;
    align-items: flex-start;
    gap: 6px;
    color: var(--danger);
  }
  .error span {
    flex: 1;
  }
  .paste {
    display: grid;
    gap: 6px;
  }
  .paste textarea {
    width: 100%;
    resize: vertical;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 10px;
    flex-wrap: wrap;
  }
  .file {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    position: relative;
  }
  .hint {
    flex: 1;
    font-size: 0.85em;
  }
  @media (max-width: 600px) {
    :host {
      padding-left: 12px;
      padding-right: 12px;
    }
    .facts {
      white-space: normal;
    }
  }
`;
