/** A streamer that records only when each generated token arrives: the bench's stopwatch. */
import { TextStreamer } from '@huggingface/transformers';

export class TimestampStreamer extends TextStreamer {
  readonly times: number[] = [];
  private prompt = true;
  override put(): void {
    // generate() hands over the prompt first; only the tokens after it are timed.
    if (this.prompt) {
      this.prompt = false;
      return;
    }
    this.times.push(performance.timeOrigin + performance.now());
  }
  override end(): void {}
}
