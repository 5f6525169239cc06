import { css } from 'lit';

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
