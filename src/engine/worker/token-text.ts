/**
 * From generated token ids to the events that carry their text, for the streamer (see
 * TimedStreamer): plain text for most models, reasoning and answer apart for models that write
 * Harmony (gpt-oss).
 */
import type { GenerationEvent, ReasoningTrace } from '../engine-types';
import type { HarmonyStream, HarmonySection } from './harmony-stream';
import type { IncrementalDecoder } from './incremental-decoder';

/** The text side of the streamer. */
export interface TokenText {
  /** One generated token, produced at `at`. */
  add(id: number, at: number): void;
  /** Events for the tokens added since the last call: `count` of them, the last made at `at`. */
  take(at: number, count: number): GenerationEvent[];
  /** What is left at the end; tokens already counted by take() are not counted again. */
  flush(at: number): GenerationEvent[];
  /** What the trace says about the answer's start and the reasoning (nothing for plain text). */
  traceParts(): { answerAt?: number | null; reasoning?: ReasoningTrace };
  /** The ids added so far. */
  readonly tokenIds: readonly number[];
}

/** `count` as events carry it: absent for exactly one token. */
const counted = (count: number): { count?: number } => (count === 1 ? {} : { count });

/** The answer is all the text (special tokens skipped when decoding): every model but Harmony ones. */
export class PlainText implements TokenText {
  constructor(private readonly decoder: IncrementalDecoder) {}

  get tokenIds(): readonly number[] {
    return this.decoder.tokenIds;
  }

  add(id: number): void {
    this.decoder.add(id);
  }

  take(at: number, count: number): GenerationEvent[] {
    return [{ type: 'token', text: this.decoder.take(), at, ...counted(count) }];
  }

  flush(at: number): GenerationEvent[] {
    const rest = this.decoder.flush();
    return rest ? [{ type: 'token', text: rest, at, count: 0 }] : [];
  }

  traceParts(): Record<string, never> {
    return {};
  }
}

/**
 * Harmony output (decoded with its special tokens) through HarmonyStream. Each token is decoded
 * as it comes, so it can be counted toward the section it falls in: a header's tokens count for
 * the message they open (known at its `<|message|>`), an end marker for the message it closes.
 * That costs a decode per token instead of per batch, nothing next to a 20B model's step.
 */
export class HarmonyText implements TokenText {
  private reasoningText = '';
  private answerText = '';
  /** Tokens counted toward each section since the last take. */
  private readonly counts = { reasoning: 0, answer: 0 };
  /** When the tokens of a header still being read were made (their section is not known yet). */
  private undecided: number[] = [];
  private reasoning: ReasoningTrace | null = null;
  private answerAt: number | null = null;

  constructor(
    private readonly decoder: IncrementalDecoder,
    private readonly parser: HarmonyStream,
  ) {}

  get tokenIds(): readonly number[] {
    return this.decoder.tokenIds;
  }

  add(id: number, at: number): void {
    this.decoder.add(id);
    this.absorb(this.parser.push(this.decoder.take()), at);
    const section = this.parser.section;
    if (section === null) this.undecided.push(at);
    else this.settle(section, at);
  }

  take(at: number): GenerationEvent[] {
    const events: GenerationEvent[] = [];
    if (this.counts.reasoning || this.reasoningText) {
      events.push({ type: 'reasoning', text: this.reasoningText, at, ...counted(this.counts.reasoning) });
    }
    if (this.counts.answer || this.answerText) {
      events.push({ type: 'token', text: this.answerText, at, ...counted(this.counts.answer) });
    }
    this.reasoningText = '';
    this.answerText = '';
    this.counts.reasoning = 0;
    this.counts.answer = 0;
    return events;
  }

  flush(at: number): GenerationEvent[] {
    this.absorb(this.parser.push(this.decoder.flush()), at);
    this.absorb(this.parser.finish(), at);
    // A header cut off by the budget or a stop opened nothing: its tokens were reasoning overhead.
    if (this.undecided.length) this.settle(this.parser.section ?? 'reasoning', null);
    // Counts only the tokens settled just now (0 for text the end alone completes).
    return this.take(at);
  }

  traceParts(): { answerAt: number | null; reasoning?: ReasoningTrace } {
    return { answerAt: this.answerAt, ...(this.reasoning ? { reasoning: { ...this.reasoning } } : {}) };
  }

  private absorb(delta: { reasoning: string; answer: string }, at: number): void {
    this.reasoningText += delta.reasoning;
    this.answerText += delta.answer;
    if (delta.answer && this.answerAt === null) this.answerAt = at;
  }

  /** Counts the undecided tokens and the one made at `at` (if any) toward `section`. */
  private settle(section: HarmonySection, at: number | null): void {
    const times = at === null ? this.undecided : [...this.undecided, at];
    this.undecided = [];
    this.counts[section] += times.length;
    if (section !== 'reasoning' || times.length === 0) return;
    const first = times[0]!;
    const last = times[times.length - 1]!;
    if (this.reasoning) {
      this.reasoning.tokens += times.length;
      this.reasoning.lastAt = last;
    } else {
      this.reasoning = { tokens: times.length, firstAt: first, lastAt: last };
    }
  }
}
