/**
 * The judge's prompt: a template with placeholders for the question, the reference answer and
 * the answer to grade, filled for each answer and sent as one user message. The user can edit it
 * in the Benchmark tab; `checkTemplate` says what is wrong with an edit before any request is sent.
 */
import type { ChatMessage } from '../engine/engine-types';
import type { BenchPrompt } from './bench-types';

export const PLACEHOLDERS = { question: '{{question}}', reference: '{{reference}}', answer: '{{answer}}' } as const;

/** Said in place of {{reference}} when the prompt has no reference answer. */
export const NO_REFERENCE = '(none given)';

/** Asks for the three grades as labelled lines, the form the reply parser reads first (judge-reply.ts). */
export const DEFAULT_JUDGE_TEMPLATE = `You grade answers of an AI assistant. Read the question, the reference answer (if any) and the answer, then grade the answer from 1 (poor) to 5 (excellent) on:
- Coherence: is it clear, well formed and on topic?
- Factuality: is what it says true, and consistent with the reference?
- Concision: does it answer without padding or repetition?

Question:
${PLACEHOLDERS.question}

Reference answer:
${PLACEHOLDERS.reference}

Answer to grade:
${PLACEHOLDERS.answer}

Reply with exactly three lines and nothing else, each a whole number from 1 to 5:
Coherence: <1-5>
Factuality: <1-5>
Concision: <1-5>`;

/** Thrown for a template that cannot grade anything; the message says how to fix it. */
export class JudgeTemplateError extends Error {
  override readonly name = 'JudgeTemplateError';
}

/** Throws a JudgeTemplateError unless the template holds the answer placeholder. */
export function checkTemplate(template: string): void {
  if (!template.includes(PLACEHOLDERS.answer))
    throw new JudgeTemplateError(`The judge's prompt must contain ${PLACEHOLDERS.answer}, where the answer to grade goes.`);
}

/** The question of a prompt: its last (user) message; earlier turns, if any, are context before it. */
export function questionOf(prompt: BenchPrompt): string {
  return prompt.messages
    .filter((m) => m.role !== 'system')
    .map((m, _, all) => (all.length === 1 ? m.content : `${m.role}: ${m.content}`))
    .join('\n');
}

/**
 * The judge's messages for one answer. Placeholders are replaced in one pass, so a question or an
 * answer that itself contains "{{answer}}" is inserted as written, never expanded again.
 */
export function judgeMessages(template: string, prompt: BenchPrompt, answer: string): ChatMessage[] {
  const values: Record<string, string> = {
    [PLACEHOLDERS.question]: questionOf(prompt),
    [PLACEHOLDERS.reference]: prompt.reference ?? NO_REFERENCE,
    [PLACEHOLDERS.answer]: answer,
  };
  const content = template.replace(/\{\{(?:question|reference|answer)\}\}/g, (p) => values[p] ?? p);
  return [{ role: 'user', content }];
}
