/** The conversation list: New chat, day groups, items with their menu, rename and delete confirmation. */
import { css } from 'lit';

export const conversationListStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 6px;
    min-height: 0;
  }
  .new {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    width: 100%;
    background: var(--surface);
  }
  nav {
    overflow-y: auto;
    min-height: 0;
  }
  h3 {
    font-size: 0.72em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--muted);
    margin: 12px 8px 4px;
    font-weight: 600;
  }
  .item {
    position: relative;
    display: flex;
    align-items: center;
    border-radius: 8px;
  }
  .item:hover,
  .item.current {
    background: var(--surface-2);
  }
  .title {
    flex: 1;
    min-width: 0;
    text-align: left;
    background: none;
    border: none;
    padding: 7px 8px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .item.current .title {
    font-weight: 600;
  }
  .more {
    opacity: 0;
  }
  .item:hover .more,
  .item.current .more,
  .more:focus-visible,
  .more[aria-expanded='true'] {
    opacity: 1;
  }
  .menu {
    position: absolute;
    right: 0;
    top: 100%;
    z-index: 10;
    display: flex;
    flex-direction: column;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    box-shadow: var(--shadow);
    padding: 4px;
    min-width: 180px;
  }
  .menu button {
    display: flex;
    gap: 8px;
    align-items: center;
    background: none;
    border: none;
    text-align: left;
  }
  .menu button:hover:not(:disabled) {
    background: var(--surface-2);
  }
  input.rename {
    width: 100%;
  }
  form.item {
    padding: 2px;
  }
  .confirm {
    flex-wrap: wrap;
    gap: 6px;
    padding: 6px 8px;
    font-size: 0.9em;
  }
`;
