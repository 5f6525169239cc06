/**
 * The compare view's state and actions. Side by side: one question to two or three models at
 * once, each column streaming from its own model slot (its own worker, or the gateway), each
 * answer with its metrics; blind, the columns are shuffled and named Answer 1, 2, 3 until the vote.
 * Draft -> refine: the first column's model drafts, the rule decides (compare/escalation.ts), and
 * when it escalates the second column's model refines; the round keeps both answers, the decision
 * and its reason, and the combined time.
 *
 * Columns have slots of their own, never the chat's: comparing does not unload the chat's model,
 * and the benchmark's hold on the primary slot does not stop a comparison. Rounds live for the
 * session (the votes are kept, in CompareSettings).
 */
import { newId, type AnswerMeta, type Turn } from '../chat/conversation';
import { decideEscalation, type EscalationDecision, type EscalationRule } from '../compare/escalation';
import { refineMessages } from '../compare/refine-prompt';
import { contenderKey } from '../compare/votes';
import type { ChatMessage, GenerationParams } from '../engine/engine-types';
import { errorMessage } from '../errors/error-message';
import { emptyAnswer, streamAnswer } from './answer-stream';
import type { CompareSettings } from './compare-settings';
import { errorMeta, routeMeta } from './generation';
import type { ModelSlot } from './model-slot';
import { Notifier } from './notifier';
import type { Settings } from './settings';

/** Older rounds are dropped past this many: the view is for comparing now, the benchmark keeps runs. */
const KEPT_ROUNDS = 20;

/** One model's answer in a round. */
export interface ColumnAnswer {
  /** Which lane (column slot) answered. */
  lane: number;
  /** "Answer 1" while blind; the model's name otherwise. */
  label: string;
  /** The answer as the chat would show it (meta: model, backend, metrics, error). */
  turn: Turn;
  streaming: boolean;
  /** Who answered, for the votes ("pocket-chat-1m on wasm"); null when no model took the question. */
  contender: string | null;
}

export interface SideBySideRound {
  kind: 'side-by-side';
  id: string;
  question: string;
  blind: boolean;
  columns: ColumnAnswer[];
  /** The column the user preferred, 'tie', or null before a vote (names stay hidden until then). */
  vote: number | 'tie' | null;
}

export interface PipelineRound {
  kind: 'draft-refine';
  id: string;
  question: string;
  rule: EscalationRule;
  draft: ColumnAnswer;
  /** Null while drafting, and when the draft was stopped. */
  decision: EscalationDecision | null;
  refined: ColumnAnswer | null;
}

export type CompareRound = SideBySideRound | PipelineRound;

export interface CompareSessionDeps {
  settings: CompareSettings;
  /** Sampling settings: the chat's (deterministic by default: temperature 0, fixed seed). */
  preferences: Pick<Settings, 'preferences'>;
  /**
   * One slot per column, MAX_LANES of them, each over a Router of its own (its engines and
   * worker; a worker starts only when its slot loads a model).
   */
  lanes: readonly ModelSlot[];
}

/** Fisher-Yates; `random` is injectable so a test can fix the order. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class CompareSession extends Notifier {
  private list: CompareRound[] = [];
  private abort: AbortController | null = null;

  constructor(
    private readonly deps: CompareSessionDeps,
    private readonly random: () => number = Math.random,
  ) {
    super();
    // A column the user removed (or draft -> refine, which uses two) lets go of its model at once:
    // a third model kept loaded for nothing can be gigabytes.
    deps.settings.subscribe(() => this.releaseUnusedLanes());
  }

  private releaseUnusedLanes(): void {
    const inUse = this.activeLanes.length;
    this.deps.lanes.forEach((slot, i) => {
      if (i >= inUse && slot.load.kind !== 'idle') void slot.release();
    });
  }

  /** The slot of column `index`. */
  lane(index: number): ModelSlot {
    const slot = this.deps.lanes[index];
    if (!slot) throw new Error(`There is no column ${index + 1}.`);
    return slot;
  }

  /** The slots of the columns in use. */
  get activeLanes(): ModelSlot[] {
    const { mode, lanes } = this.deps.settings.value;
    const count = mode === 'draft-refine' ? 2 : lanes.length;
    return Array.from({ length: count }, (_, i) => this.lane(i));
  }

  get rounds(): readonly CompareRound[] {
    return this.list;
  }

  get running(): boolean {
    return this.abort !== null;
  }

  stop(): void {
    this.abort?.abort();
  }

  clear(): void {
    if (this.running) return;
    this.list = [];
    this.changed();
  }

  /** Asks every column (side by side) or runs the pipeline (draft -> refine); resolves when all answers ended. */
  async ask(question: string): Promise<void> {
    const text = question.trim();
    if (!text || this.running) return;
    const abort = new AbortController();
    this.abort = abort;
    this.changed();
    try {
      if (this.deps.settings.value.mode === 'draft-refine') await this.pipeline(text, abort.signal);
      else await this.sideBySide(text, abort.signal);
    } finally {
      this.abort = null;
      this.changed();
    }
  }

  /** Records the user's preference in a blind round and reveals its names. */
  vote(roundId: string, winner: number | 'tie'): void {
    const round = this.list.find((r): r is SideBySideRound => r.id === roundId && r.kind === 'side-by-side');
    if (!round || round.vote !== null || round.columns.some((c) => c.streaming)) return;
    const contenders = round.columns.map((c) => c.contender);
    if (contenders.every((c): c is string => c !== null)) this.deps.settings.vote(contenders, winner);
    this.replace({ ...round, vote: winner, columns: round.columns.map((c) => ({ ...c, label: c.turn.meta?.modelName ?? c.label })) });
  }

  private async sideBySide(question: string, signal: AbortSignal): Promise<void> {
    const blind = this.deps.settings.value.blind;
    const lanes = this.activeLanes.map((_, i) => i);
    const order = blind ? shuffled(lanes, this.random) : lanes;
    const round: SideBySideRound = {
      kind: 'side-by-side',
      id: newId(),
      question,
      blind,
      columns: order.map((lane, column) => this.column(lane, blind ? `Answer ${column + 1}` : null)),
      vote: null,
    };
    this.add(round);
    const messages: ChatMessage[] = [{ role: 'user', content: question }];
    await Promise.all(
      order.map((lane, index) =>
        this.answer(lane, round.columns[index]!, messages, signal, (column) =>
          this.update(round.id, (r) =>
            r.kind === 'side-by-side' ? { ...r, columns: r.columns.map((c, i) => (i === index ? column : c)) } : r,
          ),
        ),
      ),
    );
  }

  private async pipeline(question: string, signal: AbortSignal): Promise<void> {
    const { rule, refineInstruction } = this.deps.settings.value;
    const round: PipelineRound = {
      kind: 'draft-refine',
      id: newId(),
      question,
      rule,
      draft: this.column(0, null),
      decision: null,
      refined: null,
    };
    this.add(round);
    const change = (edit: (r: PipelineRound) => PipelineRound): void =>
      this.update(round.id, (r) => (r.kind === 'draft-refine' ? edit(r) : r));
    const draft = await this.answer(0, round.draft, [{ role: 'user', content: question }], signal, (column) =>
      change((r) => ({ ...r, draft: column })),
    );
    if (signal.aborted || draft.turn.meta?.stopReason === 'aborted') return;
    const decision = decideEscalation(rule, {
      question,
      text: draft.turn.content,
      meanLogprob: draft.turn.meta?.metrics?.meanLogprob ?? null,
      ...(draft.turn.meta?.error ? { error: draft.turn.meta.error } : {}),
    });
    const refined = decision.escalate ? this.column(1, null) : null;
    change((r) => ({ ...r, decision, refined }));
    if (!refined) return;
    const messages = refineMessages(refineInstruction, question, draft.turn.meta?.error ? '' : draft.turn.content);
    await this.answer(1, refined, messages, signal, (column) => change((r) => ({ ...r, refined: column })));
  }

  /** A column waiting for its answer. */
  private column(lane: number, blindLabel: string | null): ColumnAnswer {
    const model = this.lane(lane).selected;
    return {
      lane,
      label: blindLabel ?? model?.name ?? 'No model',
      turn: { id: newId(), role: 'assistant', content: '', createdAt: Date.now() },
      streaming: true,
      contender: null,
    };
  }

  /**
   * Streams lane `lane`'s answer to `messages` into `column`, handing every new state of it to
   * `publish`; resolves with the final column. Never throws: an error ends the answer with its
   * words, keeping the text so far.
   */
  private async answer(
    lane: number,
    start: ColumnAnswer,
    messages: readonly ChatMessage[],
    signal: AbortSignal,
    publish: (column: ColumnAnswer) => void,
  ): Promise<ColumnAnswer> {
    const slot = this.lane(lane);
    const params: GenerationParams = this.deps.preferences.preferences.params;
    let column = start;
    const update = (change: Partial<ColumnAnswer>): void => {
      column = { ...column, ...change };
      publish(column);
    };
    const turn = (change: Partial<Turn>): Turn => ({ ...column.turn, ...change });
    const answer = emptyAnswer();
    const local = new AbortController();
    const stop = (): void => local.abort();
    signal.addEventListener('abort', stop);
    let release: (() => void) | null = null;
    // Null until a model takes the question; a failure before that is described by errorMeta.
    let meta: AnswerMeta | null = null;
    try {
      // A column nobody loaded yet loads its model now (the chat does the same at start).
      const selected = slot.selected;
      if (slot.load.kind === 'idle' && selected) await slot.selectModel(selected.id);
      if (slot.load.kind === 'confirm')
        throw new Error(`${selected?.name ?? 'This model'} is not downloaded yet: press Download in its column first.`);
      const route = await slot.readyRoute();
      if (signal.aborted) throw new DOMException('Stopped before the model answered.', 'AbortError');
      release = slot.claim(stop);
      meta = routeMeta(route, params);
      update({ contender: contenderKey(route.model.id, route.loaded.backend), turn: turn({ meta }) });
      const routed = meta;
      await streamAnswer(answer, route.engine.chat(messages, params, local.signal), () => {
        meta = {
          ...routed,
          ...(answer.notice ? { notice: answer.notice } : {}),
          ...(answer.stopReason ? { stopReason: answer.stopReason } : {}),
          ...(answer.metrics ? { metrics: answer.metrics } : {}),
        };
        update({ turn: turn({ content: answer.content, ...(answer.reasoning ? { reasoning: answer.reasoning } : {}), meta }) });
      });
    } catch (error) {
      const ended: AnswerMeta = signal.aborted
        ? { ...(meta ?? errorMeta(slot.selected, params, 'Stopped before the model answered.')), stopReason: 'aborted' }
        : meta
          ? { ...meta, error: errorMessage(error) }
          : errorMeta(slot.selected, params, errorMessage(error));
      update({ turn: turn({ content: answer.content, meta: ended }) });
    } finally {
      release?.();
      signal.removeEventListener('abort', stop);
      update({ streaming: false });
    }
    return column;
  }

  private add(round: CompareRound): void {
    this.list = [...this.list, round].slice(-KEPT_ROUNDS);
    this.changed();
  }

  private replace(round: CompareRound): void {
    this.update(round.id, () => round);
  }

  private update(id: string, edit: (round: CompareRound) => CompareRound): void {
    this.list = this.list.map((r) => (r.id === id ? edit(r) : r));
    this.changed();
  }
}
