/**
 * The grounded prompt: the grounding instruction in the system message (after the conversation's
 * own system prompt), the numbered passages and the question in the last user message. A model
 * trained to answer from context (the bundled models' grounded questions, tools/models) learns
 * this layout: change it only together with that corpus.
 *
 *   system:  <system prompt>\n\nAnswer using ONLY the provided context. Cite sources as [n]. ...
 *   user:    Context:\n[1] notes.md › Install\n<passage>\n\n[2] ...\n\nQuestion: <question>
 */
import type { ChatMessage } from '../engine/engine-types';

export const GROUNDING_INSTRUCTION =
  'Answer using ONLY the provided context. Cite sources as [n]. If the context does not contain the answer, say so.';

/** What the context says when no passage matched the question. */
export const NO_PASSAGES = '(none of the sources matched this question)';

/** A passage as the prompt numbers it. */
export interface PromptPassage {
  /** Its number in the prompt, from 1: what the answer cites. */
  n: number;
  sourceName: string;
  heading: string;
  text: string;
}

/** "[2] notes.md › Install\n<text>" */
export function passageBlock(p: PromptPassage): string {
  return `[${p.n}] ${p.heading ? `${p.sourceName} › ${p.heading}` : p.sourceName}\n${p.text}`;
}

/** The last user message: the passages' blocks (or NO_PASSAGES) and the question. */
export function groundedQuestion(question: string, blocks: readonly string[]): string {
  return `Context:\n${blocks.length ? blocks.join('\n\n') : NO_PASSAGES}\n\nQuestion: ${question}`;
}

export interface GroundedInput {
  /** The conversation's own system prompt ('' for none). */
  systemPrompt: string;
  /** The turns before the question, without a system message. */
  history: readonly ChatMessage[];
  question: string;
}

/** The messages sent to the model for `input` with these passages (see the module comment). */
export function groundedMessages(input: GroundedInput, passages: readonly PromptPassage[]): ChatMessage[] {
  const system = [input.systemPrompt.trim(), GROUNDING_INSTRUCTION].filter(Boolean).join('\n\n');
  return [
    { role: 'system', content: system },
    ...input.history,
    { role: 'user', content: groundedQuestion(input.question, passages.map(passageBlock)) },
  ];
}
