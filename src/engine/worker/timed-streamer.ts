/**
 * Where every token of the in-browser engine is timestamped: generate() hands each new token id
 * to its streamer, and this one records when it came and streams the text it completes.
 */
import { TextStreamer, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { GenerationEvent } from '../engine-types';
import type { TokenText } from './token-text';

/**
 * Receives token ids from generate(), timestamps them and streams text. It extends TextStreamer
 * only to satisfy generate()'s parameter type; put() and end() are replaced.
 *
 * Tokens leave in batches of at most one per `batchMs`: the first token at once, then any token
 * `batchMs` or more after the last batch takes the ones held since with it, and end() sends the
 * rest; their text is decoded once per batch. Measured in the app's worker on a small model
 * (`npm run bench:engine`, a CPU profile): a message to the page per token cost 0.2 ms on
 * average, single posts stalling the worker for milliseconds, and a decode per token 0.05 ms,
 * against tokens of 1.5-2 ms; the page paints at most once a frame anyway. A model slower than
 * `batchMs` per token sends every token on its own. There is no timer: a WASM generation never
 * yields to the worker's event loop, so it would not fire.
 */
export class TimedStreamer extends TextStreamer {
  prefillStartAt: number | null = null;
  readonly tokenTimes: number[] = [];
  private seenPrompt = false;
  /** Tokens added to the decoder since the last batch left. */
  private held = 0;
  private lastBatchAt = Number.NEGATIVE_INFINITY;

  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly now: () => number,
    private readonly text: TokenText,
    private readonly emit: (event: GenerationEvent) => void,
    private readonly batchMs = 0,
    /** Told each generated token id as it comes (the confidence reader commits it: token-logprobs.ts). */
    private readonly onToken?: (tokenId: number) => void,
  ) {
    super(tokenizer);
  }

  override put(value: bigint[][]): void {
    if (!this.seenPrompt) {
      // generate() first hands over the prompt, right before the first forward pass.
      this.seenPrompt = true;
      this.prefillStartAt = this.now();
      return;
    }
    const at = this.now();
    this.tokenTimes.push(at);
    const tokenId = Number(value[0]?.[0] ?? -1);
    this.onToken?.(tokenId);
    this.text.add(tokenId, at);
    this.held++;
    if (this.tokenTimes.length === 1 || at - this.lastBatchAt >= this.batchMs) this.sendHeld(at);
  }

  /** Sends the tokens held so far now (at the end, or before a fault strikes). */
  flush(): void {
    if (this.held) this.sendHeld(this.tokenTimes.at(-1) ?? this.now());
  }

  override end(): void {
    this.flush();
    for (const event of this.text.flush(this.now())) this.emit(event);
  }

  private sendHeld(at: number): void {
    const count = this.held;
    this.held = 0;
    this.lastBatchAt = at;
    for (const event of this.text.take(at, count)) this.emit(event);
  }
}
