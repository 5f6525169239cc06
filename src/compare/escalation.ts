/**
 * Draft -> refine: whether a small model's draft goes on to the large model, by the rule the user
 * picked, and why, in words shown under the answer. The workshop's rules: always; when the draft
 * is long (600 characters there); when the draft's own confidence is low (its mean token
 * log-probability, which only in-browser engines report); or when the question or the draft
 * touches a flagged topic. A failed or empty draft always goes on: the refiner then answers the
 * question itself.
 */
import { z } from 'zod';

export const escalationRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('always') }),
  z.strictObject({ kind: z.literal('longer-than'), chars: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('low-confidence'), below: z.number().nonpositive() }),
  z.strictObject({ kind: z.literal('topics'), topics: z.array(z.string()) }),
]);
export type EscalationRule = z.infer<typeof escalationRuleSchema>;
export type EscalationKind = EscalationRule['kind'];

/** The workshop's length rule. */
export const DEFAULT_LENGTH_LIMIT = 600;
/** Mean log-probability -0.5: on average the chosen token had about 60% of the probability. */
export const DEFAULT_CONFIDENCE_FLOOR = -0.5;

export const DEFAULT_RULES: { readonly [K in EscalationKind]: Extract<EscalationRule, { kind: K }> } = {
  always: { kind: 'always' },
  'longer-than': { kind: 'longer-than', chars: DEFAULT_LENGTH_LIMIT },
  'low-confidence': { kind: 'low-confidence', below: DEFAULT_CONFIDENCE_FLOOR },
  topics: { kind: 'topics', topics: [] },
};

export interface DraftFacts {
  question: string;
  text: string;
  /** The draft's mean token log-probability; null when its engine does not report one. */
  meanLogprob: number | null;
  /** Why the draft failed, when it did. */
  error?: string;
}

export interface EscalationDecision {
  escalate: boolean;
  /** One clause: "the draft is 712 characters, over 600". */
  reason: string;
}

/** Characters as a person counts them (code points, so an emoji is one). */
function characters(text: string): number {
  return Array.from(text).length;
}

/** Whole-word, case-insensitive: "law" flags "Law school" but not "lawn". */
export function mentionedTopic(topics: readonly string[], ...texts: string[]): string | null {
  for (const raw of topics) {
    const topic = raw.trim();
    if (!topic) continue;
    const escaped = topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu');
    if (texts.some((t) => pattern.test(t))) return topic;
  }
  return null;
}

export function decideEscalation(rule: EscalationRule, draft: DraftFacts): EscalationDecision {
  if (draft.error) return { escalate: true, reason: `the draft failed (${draft.error}), so the refiner answers the question` };
  if (draft.text.trim() === '') return { escalate: true, reason: 'the draft is empty, so the refiner answers the question' };
  switch (rule.kind) {
    case 'always':
      return { escalate: true, reason: 'every draft is refined' };
    case 'longer-than': {
      const length = characters(draft.text);
      return length > rule.chars
        ? { escalate: true, reason: `the draft is ${length} characters, over ${rule.chars}` }
        : { escalate: false, reason: `the draft is ${length} characters, within ${rule.chars}` };
    }
    case 'low-confidence': {
      const mean = draft.meanLogprob;
      if (mean === null) return { escalate: true, reason: "the draft's engine does not report its confidence" };
      const shown = `mean token log-probability ${mean.toFixed(2)}`;
      return mean < rule.below
        ? { escalate: true, reason: `${shown}, below ${rule.below.toFixed(2)}` }
        : { escalate: false, reason: `${shown}, not below ${rule.below.toFixed(2)}` };
    }
    case 'topics': {
      const topic = mentionedTopic(rule.topics, draft.question, draft.text);
      return topic !== null
        ? { escalate: true, reason: `it mentions the flagged topic "${topic}"` }
        : { escalate: false, reason: 'no flagged topic in the question or the draft' };
    }
  }
}
