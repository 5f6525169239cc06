/**
 * Work where only the newest request counts (a model load, a gateway test): starting one aborts
 * the one before, and whatever an older one reports afterwards is dropped. Elements get the same
 * rule from @lit/task; state owners are not Lit hosts, so they use this.
 */
export class Latest {
  private controller: AbortController | null = null;

  /** Aborts the run before, if any, and returns the signal of the new one. */
  start(): AbortSignal {
    this.controller?.abort();
    this.controller = new AbortController();
    return this.controller.signal;
  }

  /** Whether `signal` is the newest run's and that run was not cancelled: only then may it change state. */
  isCurrent(signal: AbortSignal): boolean {
    return this.controller?.signal === signal;
  }

  /** Aborts the newest run; nothing it reports later counts. */
  cancel(): void {
    this.controller?.abort();
    this.controller = null;
  }
}
