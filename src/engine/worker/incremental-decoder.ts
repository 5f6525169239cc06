/**
 * Turns a growing list of token ids into text deltas for streaming.
 *
 * Byte-level tokenizers can split one character over several tokens, and SentencePiece decoders
 * strip or merge spaces depending on the neighbours, so decoding each token alone gives wrong
 * text. Instead the current line's tokens are decoded together and only the new suffix is
 * emitted; while the text ends in U+FFFD (an incomplete UTF-8 sequence) nothing is emitted yet.
 *
 * The window restarts after a line break, as transformers' own TextStreamer does: decoding the
 * whole answer every step would cost O(n) per token, O(n²) per answer, and a long answer would
 * slow down as it grows. Tokens can be added one by one and decoded only when their text is
 * wanted (`take`): the streamer decodes once per batch of tokens, not once per token.
 */
export class IncrementalDecoder {
  private readonly ids: number[] = [];
  /** Where the current line's tokens start in `ids`. */
  private lineStart = 0;
  /** Characters of the current line's text already emitted. */
  private emitted = 0;
  /** How many tokens the last take() saw. */
  private taken = 0;

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** Adds one token without decoding anything yet. */
  add(id: number): void {
    this.ids.push(id);
  }

  /** The text the tokens added since the last call complete (often '', never a partial character). */
  take(): string {
    if (this.taken === this.ids.length) return '';
    this.taken = this.ids.length;
    const text = this.lineText();
    if (text.endsWith('\uFFFD')) return '';
    const delta = this.newText(text);
    if (text.endsWith('\n')) {
      this.lineStart = this.ids.length;
      this.emitted = 0;
    }
    return delta;
  }

  /** Whatever is left at the end, including a trailing replacement character if the model made one. */
  flush(): string {
    return this.newText(this.lineText());
  }

  /** The current line's text; '' for an empty line (transformers.js refuses to decode nothing). */
  private lineText(): string {
    return this.lineStart === this.ids.length ? '' : this.decode(this.ids.slice(this.lineStart));
  }

  /**
   * The part of the line's text not emitted yet. A decoder may rewrite earlier text (e.g. clean up
   * spaces): never emit backwards.
   */
  private newText(text: string): string {
    const delta = text.length > this.emitted ? text.slice(this.emitted) : '';
    this.emitted = Math.max(this.emitted, text.length);
    return delta;
  }

  get tokenIds(): readonly number[] {
    return this.ids;
  }
}
