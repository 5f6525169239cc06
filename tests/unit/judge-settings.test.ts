/**
 * The benchmark's judge outlives a reload: the model and prompt picked are stored and read back by
 * the next BenchSession (on the real owners, testApp); a stored value that no longer holds falls
 * back to no judge and the default prompt instead of breaking the tab.
 */
import { expect, it } from 'vitest';
import { DEFAULT_JUDGE_TEMPLATE } from '../../src/bench/judge-prompt';
import { loadJudgeChoice } from '../../src/app/judge-settings';
import { testApp } from './app-fixtures';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v) };
}

it('keeps the judge and its prompt for the next visit', () => {
  const storage = memoryStorage();
  const first = testApp({ judgeStorage: storage }).app.bench;
  expect([first.judge, first.judgeTemplate]).toEqual([null, DEFAULT_JUDGE_TEMPLATE]);
  const template = 'Grade {{answer}} to {{question}}.';
  first.setJudge({ judge: { modelId: 'pocket-chat-3m', backend: 'wasm' }, template });
  const next = testApp({ judgeStorage: storage }).app.bench;
  expect([next.judge, next.judgeTemplate]).toEqual([{ modelId: 'pocket-chat-3m', backend: 'wasm' }, template]);
  next.setJudge({ judge: null });
  expect(testApp({ judgeStorage: storage }).app.bench.judge).toBeNull();
});

it('falls back field by field when what is stored no longer holds', () => {
  const storage = memoryStorage();
  const read = (value: unknown) => {
    storage.values.set('playground.judge.v1', typeof value === 'string' ? value : JSON.stringify(value));
    return loadJudgeChoice(storage);
  };
  expect(read('{not json')).toEqual({ judge: null, template: DEFAULT_JUDGE_TEMPLATE });
  // A template without the answer's placeholder is refused by the judge prompt: the default comes back, the judge stays.
  expect(read({ judge: { modelId: 'pocket-chat-1m', backend: 'wasm' }, template: 'no placeholder' })).toEqual({
    judge: { modelId: 'pocket-chat-1m', backend: 'wasm' },
    template: DEFAULT_JUDGE_TEMPLATE,
  });
  expect(read({ judge: { modelId: 'pocket-chat-1m', backend: 'moon' }, template: 'Grade {{answer}}.' })).toEqual({
    judge: null,
    template: 'Grade {{answer}}.',
  });
});
