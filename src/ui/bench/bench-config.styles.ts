/** The benchmark setup: targets table, number fields, prompt set editor, Run and progress. */
import { css } from 'lit';

/** A heading and a wrapping row of controls, as the setup and the judge editor lay them out. */
export const benchRowStyles = css`
  h3 {
    font-size: 1em;
    margin: 0 6px 0 0;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
  }
  .row button {
    padding: 4px 10px;
  }
`;

export const benchConfigStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 14px;
    font-size: 0.92em;
  }
  .scroll {
    overflow-x: auto;
    margin-top: 8px;
  }
  .targets {
    border-collapse: collapse;
  }
  .targets th,
  .targets td {
    padding: 4px 14px 4px 0;
    text-align: center;
    font-weight: 400;
  }
  .targets th:first-child {
    text-align: left;
  }
  .targets thead th {
    color: var(--muted);
    font-size: 0.92em;
  }
  .targets tr.group th {
    padding-top: 10px;
    color: var(--muted);
    font-size: 0.78em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
  }
  .targets .id {
    margin-left: 8px;
    color: var(--muted);
    font-family: var(--mono);
    font-size: 0.85em;
  }
  .fields {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(140px, 180px));
    gap: 10px 14px;
    align-items: end;
  }
  .fields > label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    color: var(--muted);
  }
  .fields input[type='number'] {
    width: 100%;
    color: var(--text);
  }
  .prompts b {
    font-weight: 500;
  }
  .spacer {
    flex: 1;
  }
  details {
    margin-top: 8px;
  }
  summary {
    cursor: pointer;
    color: var(--muted);
  }
  textarea {
    display: block;
    box-sizing: border-box;
    width: 100%;
    margin: 8px 0;
    font-family: var(--mono);
    font-size: 0.9em;
    resize: vertical;
  }
  .run progress {
    flex: 1;
    min-width: 120px;
    max-width: 320px;
    accent-color: var(--accent);
  }
  .status {
    font-variant-numeric: tabular-nums;
  }
  .error {
    color: var(--danger);
    margin: 0;
  }
`;
