/** A grounded answer's passages: a one-line summary under the answer, opened into the numbered list. */
import { css } from 'lit';

export const answerSourcesStyles = css`
  :host {
    display: block;
    margin-top: 8px;
    font-size: 0.85em;
  }
  details {
    border: 1px solid var(--border);
    border-radius: 10px;
    background: var(--surface);
    padding: 4px 10px;
  }
  summary {
    cursor: pointer;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 10px;
    align-items: baseline;
    list-style: none;
    padding: 2px 0;
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
  }
  .passages {
    list-style: none;
    margin: 6px 0;
    padding: 0;
    display: grid;
    gap: 6px;
  }
  .passages li {
    border-left: 3px solid var(--border);
    padding: 2px 0 2px 8px;
    border-radius: 2px;
    outline: none;
  }
  .passages li.shown {
    border-left-color: var(--accent);
    background: var(--surface-2);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    gap: 2px 8px;
    align-items: baseline;
  }
  .n {
    font-weight: 600;
    color: var(--accent);
    font-variant-numeric: tabular-nums;
  }
  .where {
    font-weight: 500;
  }
  .scores {
    font-variant-numeric: tabular-nums;
    font-size: 0.95em;
  }
  .text {
    margin: 2px 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    line-height: 1.5;
  }
  .left-out {
    color: var(--warning);
    margin: 6px 0 2px;
  }
  .left-out-list {
    margin: 0 0 4px;
    padding-left: 18px;
  }
  .facts {
    margin: 6px 0 2px;
  }
  .sent {
    margin: 2px 0 4px;
  }
  .sent.gateway {
    color: var(--warning);
  }
  .sent.local {
    color: var(--success);
  }
`;
