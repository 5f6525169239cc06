/**
 * A lock for a shared setting that several tasks may need at once: tasks that need the same value
 * run side by side, a task that needs another waits until every task of the group before it has
 * finished. Groups start in arrival order, so no value waits forever behind a stream of others.
 *
 * It exists for transformers.js' `env`, whose file settings (local folder or hub, which hub) are
 * process-wide and read at every file a load fetches: see model-source.ts.
 */

/** One group of tasks that share a value: it starts after the group before it has finished. */
class Section<V> {
  users = 0;
  closed = false;
  readonly started: Promise<void>;
  readonly finished: Promise<void>;
  private finish: () => void = () => undefined;

  constructor(
    readonly key: string,
    value: V,
    after: Promise<void>,
    apply: (value: V) => void,
  ) {
    this.started = after.then(() => apply(value));
    this.finished = new Promise<void>((resolve) => (this.finish = resolve));
  }

  leave(): void {
    if (--this.users > 0) return;
    this.closed = true;
    this.finish();
  }
}

/** Runs tasks under a value of a shared setting, applied by `apply` before each group starts. */
export class KeyedSections<V> {
  /** The group that arrived last; a task with its key joins it while it has not closed. */
  private tail: Section<V> | null = null;

  constructor(
    private readonly apply: (value: V) => void,
    /** Equal keys mean equal values: those tasks may share a group. */
    private readonly keyOf: (value: V) => string = (value) => JSON.stringify(value),
  ) {}

  /** Runs `task` once `value` is in force, and keeps it in force until `task` settles. */
  async run<T>(value: V, task: () => Promise<T>): Promise<T> {
    const key = this.keyOf(value);
    let section = this.tail;
    if (!section || section.closed || section.key !== key) {
      section = new Section(key, value, section?.finished ?? Promise.resolve(), this.apply);
      this.tail = section;
    }
    section.users++;
    try {
      await section.started;
      return await task();
    } finally {
      section.leave();
    }
  }
}
