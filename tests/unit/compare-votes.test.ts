/** Blind votes: pairwise tallies, one key per pair whatever the column order. */
import { expect, it } from 'vitest';
import { contenderKey, recordVote, talliesAmong } from '../../src/compare/votes';

const a = contenderKey('phi-4-mini', 'webgpu');
const b = contenderKey('gpt-oss-20b', 'gateway');
const c = contenderKey('pocket-chat-1m', 'wasm');

it('counts a win for the same pair whichever column each model was in', () => {
  let tallies = recordVote([], [a, b], 0);
  tallies = recordVote(tallies, [b, a], 0);
  tallies = recordVote(tallies, [b, a], 1);
  tallies = recordVote(tallies, [a, b], 'tie');
  expect(tallies).toEqual([{ first: b, second: a, firstWins: 1, secondWins: 2, ties: 1 }]);
});

it('with three columns, the winner beats both others and the two losers are not compared', () => {
  const tallies = recordVote([], [a, b, c], 2);
  expect(tallies).toEqual([
    { first: a, second: c, firstWins: 0, secondWins: 1, ties: 0 },
    { first: b, second: c, firstWins: 0, secondWins: 1, ties: 0 },
  ]);
  expect(recordVote([], [a, b, c], 'tie').map((t) => t.ties)).toEqual([1, 1, 1]);
  expect(talliesAmong(tallies, [b, c])).toEqual([tallies[1]]);
});

it('does not pair a model with itself, and leaves the tallies it was given unchanged', () => {
  const before = recordVote([], [a, b], 0);
  const frozen = structuredClone(before);
  expect(recordVote(before, [a, a], 0)).toEqual(before);
  recordVote(before, [a, b], 1);
  expect(before).toEqual(frozen);
});
