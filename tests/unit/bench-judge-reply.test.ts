/** Reading a judge's reply (untrusted text) into rubric grades: what counts as a grade, and every way it does not. */
import { describe, expect, it } from 'vitest';
import { parseJudgeReply } from '../../src/bench/judge-reply';

const grades = (coherence: number, factuality: number, concision: number) => ({
  grades: { coherence, factuality, concision },
  problem: null,
});

describe('parseJudgeReply', () => {
  it.each([
    ['Coherence: 4\nFactuality: 5\nConcision: 3', grades(4, 5, 3)],
    ['Sure! Here are my grades.\n**Coherence**: 2, **Factuality**: 1 and **Concision**: 5. The answer is short.', grades(2, 1, 5)],
    ['{"coherence": 3, "factuality": 4, "concision": 4}', grades(3, 4, 4)],
    ['coherence = 5/5, factuality is 4 / 5, concise: 1', grades(5, 4, 1)],
    ['Concision: 3\nCoherence: 1\nFactuality: 2', grades(1, 2, 3)],
    // The instructions' range echoed before the grade is skipped.
    ['Coherence: <1-5> 4\nCoherence: 4\nFactuality (1-5): 3\nConcision 1 to 5: 2', grades(4, 3, 2)],
    ['4 5 3', grades(4, 5, 3)],
    ['My grades:\n[2, 3, 4]\nThanks.', grades(2, 3, 4)],
    ['Coherence: 4\nCoherence: 4\nFactuality: 4\nConcision: 4', grades(4, 4, 4)],
  ])('reads %j', (reply, expected) => {
    expect(parseJudgeReply(reply)).toEqual(expected);
  });

  it.each([
    ['', /empty reply/],
    ['   \n ', /empty reply/],
    ['2 plus 3 is 5.', /no grades found/],
    ['The capital of France is Paris.', /no grades found/],
    ['\u0000\uFFFD<script>alert(1)</script>', /no grades found/],
    ['Coherence: 7\nFactuality: 5\nConcision: 3', /coherence 7 is outside 1–5/],
    ['Coherence: 0\nFactuality: 5\nConcision: 3', /coherence 0 is outside 1–5/],
    ['Coherence: 4.5\nFactuality: 5\nConcision: 3', /coherence 4\.5 is not a whole number/],
    ['Coherence: 8/10\nFactuality: 5\nConcision: 3', /coherence is graded out of 10/],
    ['Coherence: 4\nFactuality: 5', /no grade for concision/],
    ['Coherence: 4\nCoherence: 2\nFactuality: 5\nConcision: 3', /grades coherence more than once \(4 and 2\)/],
    ['4 5 3\n1 1 1', /several sets of three grades/],
    ['4 6 3', /factuality 6 is outside/],
    ['Coherence: <1-5>\nFactuality: <1-5>\nConcision: <1-5>', /no grades found/],
  ])('leaves %j unscored, saying why', (reply, why) => {
    const verdict = parseJudgeReply(reply);
    expect(verdict.grades).toEqual({ coherence: null, factuality: null, concision: null });
    expect(verdict.problem).toMatch(why);
  });

  it('reads only the start of a very long reply, and still answers at once', () => {
    const long = `Coherence: 3 Factuality: 3 Concision: 3 ${'coherence '.repeat(100_000)}`;
    expect(parseJudgeReply(long)).toEqual(grades(3, 3, 3));
    expect(parseJudgeReply('x'.repeat(1_000_000)).problem).toMatch(/no grades found/);
  });
});
