/**
 * Where every token of the in-browser engine is timestamped: generate() hands each new token id
 * to its streamer, and this one records when it came and streams the text it completes.
 */
import { TextStreamer, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { GenerationEvent } from '../types';
import type { IncrementalDecoder } from './incremental-decoder';

/**
 * Receives token ids from generate(), timestamps them and streams text deltas. It extends
 * TextStreamer only to satisfy generate()'s parameter type; put() and end() are replaced.
 */
export class TimedStreamer extends TextStreamer {
  prefillStartAt: number | null = null;
  readonly tokenTimes: number[] = [];
  private seenPrompt = false;

  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly now: () => number,
    private readonly decoder: IncrementalDecoder,
    private readonly emit: (event: GenerationEvent) => void,
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
    const id = Number(value[0]?.[0] ?? -1);
    this.emit({ type: 'token', text: this.decoder.push(id), at });
  }

  override end(): void {
    const rest = this.decoder.flush();
    if (rest) this.emit({ type: 'token', text: rest, at: this.now() });
  }
}
