/** A streamer that records only when the prompt was handed over and each generated token arrived: the bench's stopwatch. */
import { TextStreamer } from '@huggingface/transformers';

export class TimestampStreamer extends TextStreamer {
  /** When generate() handed over the prompt, right before the first forward pass (epoch ms). */
  prefillStartAt: number | null = null;
  readonly times: number[] = [];
  override put(): void {
    const at = performance.timeOrigin + performance.now();
    // generate() hands over the prompt first; only the tokens after it are timed.
    if (this.prefillStartAt === null) this.prefillStartAt = at;
    else this.times.push(at);
  }
  override end(): void {}
}
