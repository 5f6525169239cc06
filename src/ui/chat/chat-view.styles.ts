/** The chat column: system prompt, the turns, the prompt box, and the recovery bar above it. */
import { css } from 'lit';

export const chatViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
  }
  .privacy {
    margin: 6px auto 0;
    width: min(100%, 820px);
    padding: 0 20px;
    font-size: 0.8em;
    color: var(--muted);
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .privacy.clean {
    color: var(--success);
  }
  .system {
    margin: 0 auto;
    width: min(100%, 820px);
    padding: 10px 20px 0;
    font-size: 0.9em;
  }
  .system summary {
    cursor: pointer;
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 4px 0;
    list-style: none;
  }
  .system summary::before {
    content: '▸';
    color: var(--muted);
  }
  .system[open] summary::before {
    content: '▾';
  }
  .system .label {
    font-weight: 600;
    white-space: nowrap;
  }
  .system .preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .system textarea {
    width: 100%;
    resize: vertical;
    margin-top: 4px;
  }
  .scroller {
    flex: 1;
    overflow-y: auto;
    min-height: 0;
  }
  .turns {
    width: min(100%, 820px);
    margin: 0 auto;
    padding: 12px 20px 24px;
    display: flex;
    flex-direction: column;
    gap: 18px;
  }
  .recovery {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    margin-bottom: 8px;
    padding: 8px 10px;
    border: 1px solid var(--border);
    border-radius: 10px;
    background: var(--surface-2);
    font-size: 0.9em;
  }
  .recovery > span {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--danger);
  }
  .composer {
    width: min(100%, 820px);
    margin: 0 auto;
    padding: 0 20px 14px;
  }
  .empty {
    text-align: center;
    padding: 10vh 0 20px;
  }
  .empty h2 {
    font-size: 1.35em;
    font-weight: 600;
    margin: 0 0 6px;
  }
  .examples {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
    margin-top: 16px;
  }
  .example {
    border-radius: 999px;
    background: var(--surface);
  }
  @media (max-width: 600px) {
    .turns,
    .composer,
    .system {
      padding-left: 12px;
      padding-right: 12px;
    }
  }
`;
