/**
 * OpenAI's `stop` sequences on a stream of text deltas. A stop sequence can straddle tokens, so
 * text that might be the start of one is held back until the next delta settles it; the
 * answer ends right before the first complete match, which is never sent.
 */
export class StopMatcher {
  private held = '';
  private matched = false;

  constructor(private readonly sequences: readonly string[]) {}

  /** True once a stop sequence has appeared; everything after it is dropped. */
  get stopped(): boolean {
    return this.matched;
  }

  /** Adds a delta and returns the text that is now safe to send (possibly ''). */
  push(delta: string): string {
    if (this.matched) return '';
    if (this.sequences.length === 0) return delta;
    const text = this.held + delta;
    let cut = -1;
    for (const s of this.sequences) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.matched = true;
      this.held = '';
      return text.slice(0, cut);
    }
    const keep = this.longestPartialMatch(text);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** The held-back text at the end of the answer (it turned out not to be a stop sequence). */
  flush(): string {
    const rest = this.matched ? '' : this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop sequence. */
  private longestPartialMatch(text: string): number {
    let best = 0;
    for (const s of this.sequences) {
      for (let k = Math.min(s.length - 1, text.length); k > best; k--) {
        if (text.endsWith(s.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}
