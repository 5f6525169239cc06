/** The Add a model dialog: its three sections, the found model's verdict, the drop zone. */
import { css } from 'lit';

export const addModelDialogStyles = css`
  dialog {
    width: min(560px, calc(100vw - 24px));
    border: 1px solid var(--border);
    border-radius: 14px;
    background: var(--surface);
    color: var(--text);
    padding: 18px 20px;
    box-shadow: var(--shadow);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 35%);
  }
  .title {
    display: flex;
    justify-content: space-between;
    align-items: center;
  }
  h2 {
    font-size: 1.1em;
    margin: 0;
  }
  h3 {
    font-size: 0.95em;
    margin: 16px 0 4px;
  }
  section p {
    margin: 4px 0 8px;
    line-height: 1.45;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: flex-end;
  }
  form label {
    display: flex;
    flex-direction: column;
    gap: 2px;
    font-size: 0.85em;
    color: var(--muted);
    flex: 1 1 140px;
  }
  form label:first-child {
    flex: 3 1 240px;
  }
  .found {
    margin-top: 10px;
    padding: 10px;
    border-radius: 10px;
    background: var(--surface-2);
  }
  .verdict {
    border-left: 3px solid var(--success);
    padding-left: 8px;
  }
  .verdict.slow {
    border-left-color: var(--warning);
  }
  .verdict.wont-fit {
    border-left-color: var(--danger);
  }
  .actions {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
  }
  .error {
    color: var(--danger);
  }
  .drop {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 12px;
    border: 2px dashed var(--border);
    border-radius: 10px;
  }
  .drop.over {
    border-color: var(--accent);
    background: var(--surface-2);
  }
  .file {
    position: relative;
    display: inline-block;
    padding: 6px 12px;
    border: 1px solid var(--border);
    border-radius: 8px;
    background: var(--surface-2);
    cursor: pointer;
  }
  .file:focus-within {
    outline: 2px solid var(--accent);
  }
  .file input {
    position: absolute;
    inset: 0;
    opacity: 0;
    cursor: pointer;
  }
`;
