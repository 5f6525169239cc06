/**
 * How every owner of app state tells its readers that it changed. Each owner (a model slot, the
 * catalog, the chats...) extends Notifier, keeps its state in private fields behind getters, and
 * calls `changed()` once after each change of its own state; no other module writes that state.
 *
 * Why a bare EventTarget 'change' rather than a store with selectors or signals: it is built into
 * browsers and Node (nothing to install or learn), RequestLog already speaks it, and the readers
 * need no payload: the UI re-reads the owner's getters and renders at most once per animation
 * frame (ui/shared/app-watch.ts), so diffing state here would buy nothing.
 */
export class Notifier extends EventTarget {
  /** Tells every subscriber; call it once after each change of this owner's own state. */
  protected changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  /** Calls `listener` after every change; returns what unsubscribes it. */
  subscribe(listener: () => void): () => void {
    this.addEventListener('change', listener);
    return () => this.removeEventListener('change', listener);
  }
}

/** Anything that announces its changes with a 'change' event: a Notifier, the RequestLog. */
export type Observable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
