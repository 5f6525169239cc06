/**
 * Fits a grounded prompt into the model's context window: room kept for the answer, then the
 * question (and as much of the conversation before it as fits), then the best passages in rank
 * order, each counted in the model's tokens, until the window is full. What did not fit is listed
 * and said in words, so the answer never silently rests on less than was retrieved.
 */
import type { ChatMessage } from '../engine/engine-types';
import { groundedMessages, passageBlock, type GroundedInput, type PromptPassage } from './prompt';
import type { TokenCounter } from './tokens';
import type { RankedChunk } from './types';

/** The fewest tokens kept for an answer, however small the window. */
const MIN_ANSWER_TOKENS = 32;

/**
 * Tokens kept for the answer: what the user asked for, but at most a quarter of the window, so
 * that a long "max new tokens" does not crowd the passages out (the engine lowers the budget to
 * what is left and says so).
 */
export function answerRoom(contextLength: number, maxNewTokens: number): number {
  return Math.min(maxNewTokens, Math.max(MIN_ANSWER_TOKENS, Math.floor(contextLength / 4)));
}

/** A passage that made it into the prompt. */
export interface IncludedPassage extends PromptPassage {
  ranked: RankedChunk;
  /** Tokens of its block in the prompt. */
  tokens: number;
}

/** The grounded prompt as planned, and what it left out. */
export interface GroundingPlan {
  messages: ChatMessage[];
  passages: IncludedPassage[];
  /** Retrieved passages that did not fit, best first. */
  leftOut: RankedChunk[];
  /** Messages of the conversation before the question that were left out (oldest first). */
  droppedMessages: number;
  /** Tokens of the whole prompt, and the room kept for the answer. */
  promptTokens: number;
  answerTokens: number;
  contextLength: number;
  /** What was left out and why, in words; '' when nothing was. */
  statement: string;
}

/** The question itself (with the instruction) leaves no room in the window. */
export class QuestionTooLongError extends Error {
  override name = 'QuestionTooLongError';
}

export interface PlanInput extends GroundedInput {
  /** Retrieved passages, best first. */
  ranked: readonly RankedChunk[];
  /** Source names by id, for the passages' labels. */
  sourceNames: ReadonlyMap<string, string>;
  contextLength: number;
  maxNewTokens: number;
  counter: TokenCounter;
  /** Most passages in one prompt. */
  maxPassages: number;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The grounded prompt for `input` (see the module comment). */
export function planGroundedPrompt(input: PlanInput): GroundingPlan {
  const { counter, contextLength } = input;
  const answerTokens = answerRoom(contextLength, input.maxNewTokens);
  const limit = contextLength - answerTokens;
  const label = (r: RankedChunk): string => {
    const name = input.sourceNames.get(r.chunk.sourceId) ?? 'source';
    return r.chunk.heading ? `${name} › ${r.chunk.heading}` : name;
  };
  const block = (r: RankedChunk, n: number): PromptPassage => ({
    n,
    sourceName: input.sourceNames.get(r.chunk.sourceId) ?? 'source',
    heading: r.chunk.heading,
    text: r.chunk.text,
  });
  // The conversation before the question gives way first, oldest turns first and whole exchanges
  // (so it still starts with the user), when the question and the best passage need the room.
  const best = input.ranked[0];
  const bestTokens = best ? counter.text(`${passageBlock(block(best, 1))}\n\n`) : 0;
  let history = [...input.history];
  let droppedMessages = 0;
  const base = (): number => counter.chat(groundedMessages({ ...input, history }, []));
  let fixed = base();
  while (fixed + bestTokens > limit && history.length) {
    const cut = Math.max(
      1,
      history.findIndex((m, i) => i > 0 && m.role === 'user'),
    );
    const drop = cut > 0 ? cut : history.length;
    history = history.slice(drop);
    droppedMessages += drop;
    fixed = base();
  }
  if (fixed > limit) {
    throw new QuestionTooLongError(
      `This question and the grounding instruction take ${fixed} tokens; with ${answerTokens} kept for the answer, the ${contextLength}-token context window has no room. Shorten the question or the system prompt.`,
    );
  }
  const grounded = { ...input, history };
  const passages: IncludedPassage[] = [];
  const leftOut: RankedChunk[] = [];
  // The empty context's placeholder is counted in `fixed` and replaced by the first block: a small overcount.
  let used = fixed;
  let overLimit = 0;
  for (const ranked of input.ranked) {
    if (passages.length >= input.maxPassages) {
      leftOut.push(ranked);
      overLimit++;
      continue;
    }
    const candidate = block(ranked, passages.length + 1);
    const tokens = counter.text(`${passageBlock(candidate)}\n\n`);
    if (used + tokens > limit) {
      leftOut.push(ranked);
      continue;
    }
    used += tokens;
    passages.push({ ...candidate, ranked, tokens });
  }
  // Counted piece by piece above; the whole prompt, templated, is what must fit.
  let messages = groundedMessages(grounded, passages);
  let promptTokens = counter.chat(messages);
  while (promptTokens > limit && passages.length) {
    leftOut.unshift(passages.pop()!.ranked);
    messages = groundedMessages(grounded, passages);
    promptTokens = counter.chat(messages);
  }
  leftOut.sort((a, b) => b.fused - a.fused);
  const parts: string[] = [];
  if (leftOut.length) parts.push(`${plural(leftOut.length, 'retrieved passage')} left out (${leftOut.map(label).join('; ')})`);
  if (droppedMessages) parts.push(`${plural(droppedMessages, 'earlier message')} of this conversation left out`);
  const why =
    overLimit === leftOut.length && !droppedMessages
      ? `at most ${plural(input.maxPassages, 'passage')} go into one prompt`
      : `the ${contextLength}-token context window holds the question, ${plural(passages.length, 'passage')} and ${answerTokens} tokens for the answer (counted with ${counter.label})`;
  const statement = parts.length ? `${parts.join(', and ')}: ${why}.` : '';
  return { messages, passages, leftOut, droppedMessages, promptTokens, answerTokens, contextLength, statement };
}
