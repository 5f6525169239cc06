/** Draft -> refine: each escalation rule on both sides of its threshold, and the reasons it gives. */
import { describe, expect, it } from 'vitest';
import { decideEscalation, mentionedTopic, type DraftFacts, type EscalationRule } from '../../src/compare/escalation';
import { refineMessages } from '../../src/compare/refine-prompt';
import { pipelineLatency } from '../../src/compare/pipeline-latency';

const draft = (text: string, meanLogprob: number | null = -0.1): DraftFacts => ({ question: 'What is the moon?', text, meanLogprob });

describe('escalation rules', () => {
  it('always refines', () => {
    expect(decideEscalation({ kind: 'always' }, draft('Short.'))).toEqual({ escalate: true, reason: 'every draft is refined' });
  });

  it('refines a draft longer than the limit, counting characters as a person does', () => {
    const rule = { kind: 'longer-than', chars: 5 } as const;
    expect(decideEscalation(rule, draft('12345'))).toEqual({ escalate: false, reason: 'the draft is 5 characters, within 5' });
    expect(decideEscalation(rule, draft('123456'))).toEqual({ escalate: true, reason: 'the draft is 6 characters, over 5' });
    // Four astral characters (8 UTF-16 code units) are four characters.
    expect(decideEscalation(rule, draft('🌕🌖🌗🌘')).escalate).toBe(false);
  });

  it('refines a draft whose mean token log-probability is below the floor, and one that reports none', () => {
    const rule = { kind: 'low-confidence', below: -0.5 } as const;
    expect(decideEscalation(rule, draft('x', -0.51))).toEqual({ escalate: true, reason: 'mean token log-probability -0.51, below -0.50' });
    expect(decideEscalation(rule, draft('x', -0.5))).toEqual({
      escalate: false,
      reason: 'mean token log-probability -0.50, not below -0.50',
    });
    expect(decideEscalation(rule, draft('x', null))).toEqual({
      escalate: true,
      reason: "the draft's engine does not report its confidence",
    });
  });

  it('refines when the question or the draft mentions a flagged topic, as a whole word', () => {
    const rule: EscalationRule = { kind: 'topics', topics: ['  ', 'tax law', 'Medicine'] };
    expect(decideEscalation(rule, { question: 'Is my lawn taxed?', text: 'No.', meanLogprob: null })).toEqual({
      escalate: false,
      reason: 'no flagged topic in the question or the draft',
    });
    expect(decideEscalation(rule, { question: 'Ask about TAX   law.', text: 'Sure.', meanLogprob: null }).reason).toBe(
      'it mentions the flagged topic "tax law"',
    );
    expect(decideEscalation(rule, draft('Take medicine (with water).')).escalate).toBe(true);
    expect(mentionedTopic(['c++'], 'I write C++ daily')).toBe('c++');
    expect(mentionedTopic(['med'], 'medicine')).toBeNull();
  });

  it('always refines a failed or empty draft, whatever the rule, saying the refiner answers', () => {
    const rule = { kind: 'longer-than', chars: 600 } as const;
    expect(decideEscalation(rule, { ...draft('partial'), error: 'worker crashed' })).toEqual({
      escalate: true,
      reason: 'the draft failed (worker crashed), so the refiner answers the question',
    });
    expect(decideEscalation(rule, draft('  \n')).reason).toBe('the draft is empty, so the refiner answers the question');
  });
});

describe('refine prompt', () => {
  it('sends the instruction, the question and the draft; without a draft, the question alone', () => {
    expect(refineMessages(' Improve clarity but keep facts. ', 'Why?', 'Because.')).toEqual([
      { role: 'system', content: 'Improve clarity but keep facts.' },
      { role: 'user', content: 'Question:\nWhy?\n\nDraft answer:\nBecause.' },
    ]);
    expect(refineMessages('', 'Why?', ' ')).toEqual([{ role: 'user', content: 'Why?' }]);
  });
});

describe('pipeline latency', () => {
  const parts = (prefill: number, decode: number, queue: number | null = null) => ({
    retrieval: null,
    queue,
    prepare: 1,
    prefill,
    thinking: null,
    decode,
  });

  it('adds the stages part by part, and a part neither stage saw stays unseen', () => {
    expect(pipelineLatency(parts(10, 100, 2), parts(40, 300))).toEqual({
      draftMs: 113,
      refineMs: 341,
      totalMs: 454,
      parts: { retrieval: null, queue: 2, prepare: 2, prefill: 50, thinking: null, decode: 400 },
    });
  });

  it('is the draft alone when it was kept', () => {
    expect(pipelineLatency(parts(10, 100), null)).toEqual({ draftMs: 111, refineMs: null, totalMs: 111, parts: parts(10, 100) });
  });
});
