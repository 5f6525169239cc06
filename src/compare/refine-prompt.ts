/**
 * What the refine model is sent: the user's instruction as the system message (the workshop's
 * "Improve clarity but keep facts" by default, editable), then the question and the draft. A draft
 * that failed or came back empty leaves the question alone: the refiner answers it.
 */
import type { ChatMessage } from '../engine/engine-types';

export const DEFAULT_REFINE_INSTRUCTION = 'Improve clarity but keep facts.';

export function refineMessages(instruction: string, question: string, draft: string): ChatMessage[] {
  const system: ChatMessage[] = instruction.trim() ? [{ role: 'system', content: instruction.trim() }] : [];
  if (draft.trim() === '') return [...system, { role: 'user', content: question }];
  return [...system, { role: 'user', content: `Question:\n${question}\n\nDraft answer:\n${draft}` }];
}
