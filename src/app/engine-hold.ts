/**
 * Who may use a slot's engine right now. The benchmark holds the primary slot's engine while it
 * runs: it shares the worker and its loaded model, so a chat answer in between would skew its
 * numbers and could leave a different model loaded under it. Taking the hold first stops what is
 * running on that engine (the answer, through the slot).
 */
import type { Notices } from './notices';
import { Notifier } from './notifier';

export interface EngineHoldDeps {
  notices: Pick<Notices, 'notify'>;
  /** Stops whatever uses the engine now (ModelSlot passes its claims' stops). */
  interrupt: () => void;
}

export class EngineHold extends Notifier {
  private reason: string | null = null;

  constructor(private readonly deps: EngineHoldDeps) {
    super();
  }

  /** Why the engine is held ("A benchmark is running"), or null when it is free. */
  get heldBy(): string | null {
    return this.reason;
  }

  /** Stops what runs on the engine and keeps everything else off it until the returned release is called. */
  take(reason: string): () => void {
    this.deps.interrupt();
    this.reason = reason;
    this.changed();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reason = null;
      this.changed();
    };
  }

  /** True, after telling the user why, when the engine is held: the caller must not use it. */
  refuses(): boolean {
    if (!this.reason) return false;
    this.deps.notices.notify('info', `${this.reason}. Wait for it to finish or cancel it in the Benchmark tab.`);
    return true;
  }
}
