/**
 * How a grounded answer's passages are stored with it (AnswerMeta.grounding, rag/retrieval-types.ts),
 * for chat-store.ts' validation on read. Passage text is stored with the answer, so its
 * citations still open what it was given after the source is removed.
 */
import { z } from 'zod';
import type { Grounding } from '../rag/retrieval-types';

const placement = z.object({ rank: z.number().int().positive(), score: z.number() });

const passageRef = z.object({
  chunkId: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  heading: z.string(),
  fused: z.number(),
  lexical: placement.optional(),
  semantic: placement.optional(),
});

export const groundingSchema = z.object({
  passages: z.array(passageRef.extend({ n: z.number().int().positive(), text: z.string(), tokens: z.number().int().nonnegative() })),
  leftOut: z.array(passageRef),
  statement: z.string(),
  promptTokens: z.number().int().nonnegative(),
  answerTokens: z.number().int().nonnegative(),
  contextLength: z.number().int().positive(),
  counter: z.string(),
  semantic: z.string().nullable(),
  semanticNote: z.string().optional(),
  retrievalMs: z.number().nonnegative(),
  embeddingMs: z.number().nonnegative().nullable(),
}) satisfies z.ZodType<Grounding>;
