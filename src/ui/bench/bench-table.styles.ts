import { css } from 'lit';

/** A benchmark card's heading row: its title with a muted aside, and its export buttons. */
export const benchHead = css`
  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    flex-wrap: wrap;
  }
  h3 {
    font-size: 1em;
    margin: 0;
  }
  h3 .muted {
    font-weight: 400;
    font-size: 0.9em;
  }
  .exports {
    display: flex;
    align-items: center;
    gap: 6px;
    color: var(--muted);
    font-size: 0.9em;
  }
  .exports button {
    color: var(--text);
    padding: 4px 10px;
  }
`;

/** The benchmark's tables: numbers right-aligned in tabular figures, the first column a label. */
export const benchTable = css`
  .scroll {
    overflow-x: auto;
    margin-top: 10px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 7px 8px;
    border-bottom: 1px solid var(--border);
    text-align: right;
    white-space: nowrap;
  }
  th:first-child {
    text-align: left;
    font-weight: 500;
  }
  thead th {
    color: var(--muted);
    font-weight: 500;
    font-size: 0.92em;
    vertical-align: bottom;
  }
  .notes {
    margin: 10px 0 0;
    padding-left: 18px;
    font-size: 0.85em;
    line-height: 1.6;
  }
`;

/** A section under the results table (grounded answers, draft -> refine): a rule above, muted asides, column separators. */
export const benchSection = css`
  :host {
    display: block;
  }
  .wrap {
    margin-top: 18px;
    padding-top: 14px;
    border-top: 1px solid var(--border);
  }
  .muted {
    color: var(--muted);
  }
  .sep {
    border-left: 1px solid var(--border);
  }
`;
