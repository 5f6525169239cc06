/**
 * The Benchmark tab's judge, kept across visits in localStorage: which model grades the answers
 * on the rubric, and its prompt. Read defensively: a stored judge that no longer parses, or a
 * template the judge prompt refuses, falls back to no judge and the default prompt.
 */
import { z } from 'zod';
import { benchTargetSchema, type BenchTarget } from '../bench/bench-types';
import { checkTemplate, DEFAULT_JUDGE_TEMPLATE } from '../bench/judge-prompt';
import { defaultStorage } from './local-storage';

const KEY = 'playground.judge.v1';

export interface JudgeChoice {
  judge: BenchTarget | null;
  template: string;
}

const storedSchema = z.object({
  judge: benchTargetSchema.nullable().catch(null),
  template: z.string().catch(DEFAULT_JUDGE_TEMPLATE),
});

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export const DEFAULT_JUDGE_CHOICE: JudgeChoice = { judge: null, template: DEFAULT_JUDGE_TEMPLATE };

export function loadJudgeChoice(storage: Pick<Storage, 'getItem'> | null): JudgeChoice {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return DEFAULT_JUDGE_CHOICE;
    const stored = storedSchema.parse(JSON.parse(raw));
    try {
      checkTemplate(stored.template);
      return stored;
    } catch {
      return { judge: stored.judge, template: DEFAULT_JUDGE_TEMPLATE };
    }
  } catch {
    return DEFAULT_JUDGE_CHOICE;
  }
}

/** Reads and writes the judge choice; `storage` absent: localStorage; null: this session only. */
export function judgeChoiceStore(storage?: Store | null): { load(): JudgeChoice; save(choice: JudgeChoice): void } {
  const store = storage === undefined ? defaultStorage() : storage;
  return {
    load: () => loadJudgeChoice(store),
    save: (choice) => {
      try {
        store?.setItem(KEY, JSON.stringify(choice));
      } catch {
        // Private modes may refuse storage; the choice then lasts for this session only.
      }
    },
  };
}
