/** The page layout: header, three columns, the drawers below 1100 and 760 px. */
import { css } from 'lit';

export const playgroundAppStyles = css`
  :host {
    display: grid;
    grid-template-rows: auto 1fr;
    height: 100dvh;
    background: var(--bg);
    color: var(--text);
  }
  header {
    display: flex;
    align-items: center;
    gap: 14px;
    padding: 8px 16px;
    border-bottom: 1px solid var(--border);
    background: var(--surface);
    min-width: 0;
  }
  h1 {
    font-size: 1em;
    font-weight: 650;
    margin: 0;
    white-space: nowrap;
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .logo {
    color: var(--accent);
  }
  status-line {
    flex: 1;
  }
  .tabs {
    display: flex;
    gap: 2px;
    padding: 2px;
    border-radius: 9px;
    background: var(--surface-2);
  }
  .tab {
    border: none;
    background: transparent;
    padding: 4px 12px;
    border-radius: 7px;
    color: var(--muted);
  }
  .tab[aria-pressed='true'] {
    background: var(--surface);
    color: var(--text);
    box-shadow: var(--shadow);
  }
  header button.off {
    visibility: hidden;
  }
  main[hidden] {
    display: none;
  }
  .body[data-tab='bench'],
  .body[data-tab='compare'] {
    grid-template-columns: minmax(0, 1fr);
  }
  .body[data-tab='bench'] aside,
  .body[data-tab='bench'] .scrim,
  .body[data-tab='compare'] aside,
  .body[data-tab='compare'] .scrim {
    display: none;
  }
  .body {
    display: grid;
    grid-template-columns: 272px minmax(0, 1fr) 288px;
    min-height: 0;
    position: relative;
  }
  aside {
    background: var(--surface);
    min-height: 0;
    overflow-y: auto;
    padding: 14px;
  }
  .sidebar {
    border-right: 1px solid var(--border);
    display: flex;
    flex-direction: column;
    gap: 16px;
  }
  .sidebar conversation-list {
    flex: 1;
    /* A tall model panel (an error with recovery offers) scrolls the sidebar instead of
       squeezing the list until "New chat" overlaps it. */
    min-height: 9rem;
  }
  .sidebar model-panel {
    border-top: 1px solid var(--border);
    flex-shrink: 0;
    padding-top: 14px;
  }
  .settings {
    border-left: 1px solid var(--border);
  }
  latency-chart,
  cache-panel {
    border-top: 1px solid var(--border);
    margin-top: 16px;
    padding-top: 14px;
  }
  main {
    min-height: 0;
    min-width: 0;
  }
  .booting {
    text-align: center;
    margin-top: 20vh;
  }
  .failure {
    max-width: 640px;
    margin: 10vh auto;
    padding: 0 20px;
    color: var(--danger);
  }
  .scrim {
    display: none;
  }
  button.only-narrow,
  button.only-medium {
    display: none;
  }
  @media (max-width: 1100px) {
    .body {
      grid-template-columns: 272px minmax(0, 1fr);
    }
    button.only-medium {
      display: inline-flex;
    }
    .settings {
      position: absolute;
      right: 0;
      top: 0;
      bottom: 0;
      width: min(320px, 88vw);
      z-index: 20;
      transform: translateX(100%);
      transition: transform 160ms ease;
      visibility: hidden;
      box-shadow: var(--shadow);
    }
    .body[data-drawer='settings'] .settings {
      transform: none;
      visibility: visible;
    }
    .body[data-drawer='settings'] .scrim {
      display: block;
      position: absolute;
      inset: 0;
      z-index: 15;
      background: var(--scrim);
    }
  }
  @media (max-width: 760px) {
    header {
      gap: 8px;
      padding: 6px 8px;
    }
    .label {
      display: none;
    }
    .body {
      grid-template-columns: minmax(0, 1fr);
    }
    button.only-narrow {
      display: inline-flex;
    }
    .tab {
      padding: 4px 8px;
    }
    .sidebar {
      position: absolute;
      left: 0;
      top: 0;
      bottom: 0;
      width: min(320px, 88vw);
      z-index: 20;
      transform: translateX(-100%);
      transition: transform 160ms ease;
      visibility: hidden;
      box-shadow: var(--shadow);
    }
    .body[data-drawer='sidebar'] .sidebar {
      transform: none;
      visibility: visible;
    }
    .body[data-drawer='sidebar'] .scrim {
      display: block;
      position: absolute;
      inset: 0;
      z-index: 15;
      background: var(--scrim);
    }
  }
  @media (max-width: 480px) {
    /* The tabs need the room; the logo stays as the brand. */
    h1 .name {
      display: none;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .sidebar,
    .settings {
      transition: none;
    }
  }
`;
