/**
 * gpt-oss' Harmony output, split into reasoning and answer as it streams.
 *
 * The chat template ends the prompt with `<|start|>assistant`; the model then writes messages
 * `{header}<|message|>{content}<|end|>`, each new one opened by `<|start|>{role}`, and ends with
 * `<|return|>` (done) or `<|call|>` (a tool call). The header names the channel
 * (`<|channel|>analysis`), may name a recipient (`to=functions.get_weather`, before or after the
 * channel) and a content type (`json`, `<|constrain|>json`). See the Harmony format description
 * (openai/harmony, docs/format.md).
 *
 * Where text goes:
 * - `final` channel, or an assistant message without a channel: the answer.
 * - `analysis` channel: reasoning.
 * - `commentary` (tool calls and their preambles; the playground offers no tools, so a call goes
 *   nowhere), any other channel, a message with a recipient or from another role: reasoning too,
 *   under a label line such as `[commentary · to functions.get_weather]`, so the answer holds only
 *   what the model meant as the answer and nothing it wrote is lost.
 * - Several messages of one kind are joined by a blank line; whitespace between messages is dropped.
 *
 * Fed decoded text with the special tokens written out, split anywhere (inside a marker too): text
 * that may be the start of a marker is held back until the next piece settles it, so no marker or
 * part of one is ever emitted. Other special tokens of the tokenizer (`ignore`) are dropped; an
 * unknown `<|word|>` is ordinary text. Plain text that spells a marker cannot be told from the
 * token in decoded text and counts as the marker (the prompt side breaks such text in user
 * messages; see special-text.ts).
 *
 * Tolerant, because model output is untrusted: a model that skips the analysis channel, stops
 * without `<|return|>` (budget, stop), repeats `<|start|>assistant` before a channel, writes a
 * header without `<|message|>` (its text after the channel name is kept, as openai-harmony's
 * non-strict parser does), or writes no Harmony at all (its text becomes the answer once it is
 * clearly no header: over 256 characters, or at the end). State is bounded (a held marker start of
 * at most 64 characters, a header of at most 256), every character is looked at a bounded number
 * of times, and nothing in here throws.
 */

/** Where a piece of model output belongs. */
export type HarmonySection = 'reasoning' | 'answer';

/** Text produced by one push or finish, per section. */
export interface HarmonyDelta {
  reasoning: string;
  answer: string;
}

/** The structural tokens of Harmony (o200k_harmony special tokens). */
export const HARMONY_MARKERS = ['<|start|>', '<|end|>', '<|message|>', '<|channel|>', '<|constrain|>', '<|return|>', '<|call|>'] as const;

type Marker = (typeof HARMONY_MARKERS)[number] | '<|endoftext|>';

const STRUCTURAL: ReadonlySet<string> = new Set<string>([...HARMONY_MARKERS, '<|endoftext|>']);

/** Markers that end the message they close (`<|endoftext|>` is gpt-oss' other EOS token). */
const ENDS: ReadonlySet<string> = new Set(['<|end|>', '<|return|>', '<|call|>', '<|endoftext|>']);

/** Longer than any real header (`assistant<|channel|>commentary to=functions.name <|constrain|>json`). */
export const HEADER_LIMIT = 256;
/** The longest marker name matched; longer `<|...|>` runs are plain text. */
const NAME_LIMIT = 60;
/** The longest text held back as a possible marker start: `<|` + name + `|`. */
export const HELD_LIMIT = NAME_LIMIT + 3;

const MARKER = new RegExp(`<\\|[A-Za-z0-9_]{1,${NAME_LIMIT}}\\|>`, 'y');
/** A `<` that the rest of the input could still turn into a marker. */
const MARKER_START = new RegExp(`<(?:\\|[A-Za-z0-9_]{0,${NAME_LIMIT}}\\|?)?$`, 'y');
const NON_SPACE = /\S/g;

interface Header {
  role: string;
  channel: string | null;
  recipient: string | null;
}

type Mode = 'header' | 'body' | 'between';

/** Streaming Harmony parser; see the module comment. */
export class HarmonyStream {
  private mode: Mode = 'header';
  /** A possible marker start at the end of the input so far. */
  private held = '';
  /** The current header as written, markers included (at most about HEADER_LIMIT characters). */
  private header = '';
  /** Whether the current header began with `<|start|>`, so its first word is the role. */
  private headerHasRole = false;
  private current: HarmonySection | null = null;
  /** Written before the current message's first character (a label line, for labelled reasoning). */
  private label = '';
  private bodyStarted = false;
  private readonly written = { reasoning: false, answer: false };
  private out: HarmonyDelta = { reasoning: '', answer: '' };
  private readonly ignored: ReadonlySet<string>;

  /** `ignore`: the tokenizer's other special tokens (`<|startoftext|>`, reserved ones), dropped wherever they appear. */
  constructor(ignore: Iterable<string> = []) {
    this.ignored = new Set([...ignore].filter((t) => !STRUCTURAL.has(t)));
  }

  /**
   * The section the input so far ends in: that of the message being written, or of the last one
   * ended; null before the first message's header is complete or while a new header is being
   * read (its channel is not known yet). The runner counts each token toward this section.
   */
  get section(): HarmonySection | null {
    return this.current;
  }

  /** Characters held back so far (a marker start plus an unfinished header): bounded, for tests. */
  get bufferedChars(): number {
    return this.held.length + this.header.length;
  }

  /** Adds decoded text; returns what it completes. */
  push(text: string): HarmonyDelta {
    this.out = { reasoning: '', answer: '' };
    const s = this.held + text;
    this.held = '';
    // Plain text since the last marker, handed on in one piece (a `<` that starts no marker is text).
    let run = 0;
    for (let lt = s.indexOf('<'); lt >= 0; lt = s.indexOf('<', lt + 1)) {
      MARKER.lastIndex = lt;
      const marker = MARKER.exec(s)?.[0];
      if (marker !== undefined) {
        if (lt > run) this.plain(s.slice(run, lt));
        this.token(marker);
        run = lt + marker.length;
        lt = run - 1;
        continue;
      }
      MARKER_START.lastIndex = lt;
      if (s.length - lt < HELD_LIMIT && MARKER_START.test(s)) {
        if (lt > run) this.plain(s.slice(run, lt));
        this.held = s.slice(lt);
        return this.out;
      }
    }
    if (s.length > run) this.plain(s.slice(run));
    return this.out;
  }

  /**
   * The end of the output: a held `<|...` can no longer become a marker (special tokens arrive
   * whole) and is text; an unfinished header gives up whatever text it holds.
   */
  finish(): HarmonyDelta {
    this.out = { reasoning: '', answer: '' };
    const held = this.held;
    this.held = '';
    if (held) this.plain(held);
    if (this.mode === 'header') this.salvage();
    return this.out;
  }

  private token(text: string): void {
    if (STRUCTURAL.has(text)) this.marker(text as Marker);
    else if (!this.ignored.has(text)) this.plain(text);
  }

  private marker(marker: Marker): void {
    if (marker === '<|start|>') {
      this.beginHeader('', true);
    } else if (marker === '<|channel|>') {
      // In a body or between messages: a new message whose `<|start|>assistant` was left out. A
      // header names one channel; a second marker in it is dropped.
      if (this.mode !== 'header') this.beginHeader(marker, false);
      else if (!this.header.includes(marker)) this.addToHeader(marker);
    } else if (marker === '<|constrain|>') {
      if (this.mode === 'header') this.addToHeader(marker);
    } else if (marker === '<|message|>') {
      if (this.mode === 'header') this.openBody(parseHeader(this.header, this.headerHasRole));
      else if (this.mode === 'between') this.openBody({ role: 'assistant', channel: null, recipient: null });
    } else if (ENDS.has(marker)) {
      if (this.mode === 'header') this.salvage();
      this.mode = 'between';
      this.header = '';
    }
  }

  private plain(text: string): void {
    if (this.mode === 'body') {
      this.emit(text);
    } else if (this.mode === 'header') {
      this.addToHeader(text);
    } else {
      NON_SPACE.lastIndex = 0;
      const first = NON_SPACE.exec(text);
      if (!first) return;
      // Stray text outside any message: kept, as the answer (a model that does not follow Harmony).
      this.openBody({ role: 'assistant', channel: null, recipient: null });
      this.emit(text.slice(first.index));
    }
  }

  private beginHeader(start: string, hasRole: boolean): void {
    this.mode = 'header';
    this.header = start;
    this.headerHasRole = hasRole;
    this.current = null;
  }

  private addToHeader(text: string): void {
    this.header += text;
    if (this.header.length > HEADER_LIMIT) this.salvage();
  }

  /**
   * A header that cannot be one (too long) or ended without `<|message|>`: its channel still
   * decides where the text after the channel name goes; without a channel, all of it (after the
   * role word) is the answer. Writing continues in that message's body.
   */
  private salvage(): void {
    const raw = this.header.replaceAll('<|constrain|>', ' ');
    this.openBody(parseHeader(raw, this.headerHasRole));
    this.emit(salvagedText(raw, this.headerHasRole));
  }

  private openBody(header: Header): void {
    const answer = header.role === 'assistant' && (header.channel === 'final' || header.channel === null);
    this.current = answer ? 'answer' : 'reasoning';
    const plainReasoning = header.role === 'assistant' && header.channel === 'analysis' && header.recipient === null;
    this.label = answer || plainReasoning ? '' : `${labelOf(header)}\n`;
    this.bodyStarted = false;
    this.mode = 'body';
    this.header = '';
  }

  private emit(text: string): void {
    const section = this.current;
    if (!text || section === null) return;
    let prefix = '';
    if (!this.bodyStarted) {
      this.bodyStarted = true;
      prefix = (this.written[section] ? '\n\n' : '') + this.label;
    }
    this.out[section] += prefix + text;
    this.written[section] = true;
  }
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** Role, channel and recipient of a header as written (`assistant to=x<|channel|>commentary json`). */
function parseHeader(raw: string, hasRole: boolean): Header {
  const cleaned = raw.replaceAll('<|constrain|>', ' ');
  const at = cleaned.indexOf('<|channel|>');
  const roleWords = words(at < 0 ? cleaned : cleaned.slice(0, at));
  const channelWords = at < 0 ? [] : words(cleaned.slice(at + '<|channel|>'.length));
  const recipient = [...roleWords, ...channelWords].find((w) => w.startsWith('to='))?.slice(3) || null;
  const role = hasRole ? (roleWords.find((w) => !w.startsWith('to=')) ?? 'assistant') : 'assistant';
  const channel = channelWords.find((w) => !w.startsWith('to=')) ?? null;
  return { role, channel: at < 0 ? null : channel, recipient };
}

/** The text of a salvaged header: after the channel name, or after the role word without a channel. */
function salvagedText(raw: string, hasRole: boolean): string {
  const at = raw.indexOf('<|channel|>');
  let rest: string;
  if (at >= 0) {
    // Past any recipient and the channel name.
    rest = raw.slice(at + '<|channel|>'.length).replace(/^(?:\s*to=\S+)*\s*\S*/, '');
  } else {
    rest = hasRole ? raw.trimStart().replace(/^\S+/, '') : raw;
  }
  // A recipient written after the channel is header, not content.
  return rest.replace(/^(?:\s*to=\S+)*\s*/, '');
}

/** `[commentary · to functions.get_weather]`, `[browser.search · commentary · to assistant]`. */
function labelOf(header: Header): string {
  const parts = [
    ...(header.role === 'assistant' ? [] : [header.role]),
    header.channel ?? 'no channel',
    ...(header.recipient ? [`to ${header.recipient}`] : []),
  ];
  // Header words are model output: kept short, and never a marker.
  return `[${parts.map((p) => p.replaceAll('<|', '').replaceAll('|>', '').slice(0, 64)).join(' · ')}]`;
}
