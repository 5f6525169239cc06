/**
 * What the compare view remembers between visits (localStorage): its mode, blind or not, each
 * column's model and device, the draft -> refine rule and instruction, and the blind votes per
 * pair of contenders. Read defensively: a stored value that no longer validates falls back to the
 * defaults, field by field, except the votes, which are kept whenever they parse.
 */
import { z } from 'zod';
import { DTYPES } from '../catalog/schema';
import { DEFAULT_RULES, escalationRuleSchema, type EscalationRule } from '../compare/escalation';
import { DEFAULT_REFINE_INSTRUCTION } from '../compare/refine-prompt';
import { pairTallySchema, recordVote, type PairTally } from '../compare/votes';
import { defaultStorage } from './local-storage';
import { Notifier } from './notifier';
import type { RunChoice, RunChoiceStore } from './preferences';

const KEY = 'playground.compare.v1';

export type CompareMode = 'side-by-side' | 'draft-refine';
/** Side by side: two or three columns. Draft -> refine: the first column drafts, the second refines. */
export const MIN_LANES = 2;
export const MAX_LANES = 3;

const runChoiceSchema = z.strictObject({
  modelId: z.string().nullable(),
  device: z.enum(['auto', 'webgpu', 'wasm', 'gateway']),
  dtype: z.enum([...DTYPES, 'auto']),
});

const settingsSchema = z.object({
  mode: z.enum(['side-by-side', 'draft-refine']).catch('side-by-side'),
  blind: z.boolean().catch(false),
  lanes: z.array(runChoiceSchema).min(MIN_LANES).max(MAX_LANES).catch([]),
  rule: escalationRuleSchema.catch(DEFAULT_RULES['longer-than']),
  refineInstruction: z.string().catch(DEFAULT_REFINE_INSTRUCTION),
  votes: z.array(pairTallySchema).catch([]),
});
export type CompareSettingsValue = z.infer<typeof settingsSchema>;

const EMPTY_LANE: RunChoice = { modelId: null, device: 'auto', dtype: 'auto' };

export const DEFAULT_COMPARE: CompareSettingsValue = {
  mode: 'side-by-side',
  blind: false,
  lanes: [{ ...EMPTY_LANE }, { ...EMPTY_LANE }],
  rule: DEFAULT_RULES['longer-than'],
  refineInstruction: DEFAULT_REFINE_INSTRUCTION,
  votes: [],
};

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export function loadCompareSettings(storage: Pick<Storage, 'getItem'> | null): CompareSettingsValue {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return structuredClone(DEFAULT_COMPARE);
    const parsed = settingsSchema.parse(JSON.parse(raw));
    return parsed.lanes.length >= MIN_LANES ? parsed : { ...parsed, lanes: structuredClone(DEFAULT_COMPARE.lanes) };
  } catch {
    return structuredClone(DEFAULT_COMPARE);
  }
}

export class CompareSettings extends Notifier {
  private current: CompareSettingsValue;
  private readonly storage: Store | null;

  /** `storage` absent: localStorage; null: this session only. */
  constructor(storage?: Store | null) {
    super();
    this.storage = storage === undefined ? defaultStorage() : storage;
    this.current = loadCompareSettings(this.storage);
  }

  get value(): CompareSettingsValue {
    return this.current;
  }

  update(change: Partial<Omit<CompareSettingsValue, 'lanes' | 'votes'>>): void {
    this.save({ ...this.current, ...change });
  }

  setRule(rule: EscalationRule): void {
    this.save({ ...this.current, rule: escalationRuleSchema.parse(rule) });
  }

  /** Two or three columns; a new column starts empty. */
  setLaneCount(count: number): void {
    const n = Math.min(MAX_LANES, Math.max(MIN_LANES, Math.round(count)));
    const lanes = this.current.lanes.slice(0, n);
    while (lanes.length < n) lanes.push({ ...EMPTY_LANE });
    this.save({ ...this.current, lanes });
  }

  /** The RunChoiceStore of column `index`, for its ModelSlot. */
  laneChoice(index: number): RunChoiceStore {
    const read = (): RunChoice => this.current.lanes[index] ?? EMPTY_LANE;
    return {
      get run(): RunChoice {
        return read();
      },
      setRun: (change) => {
        const lanes = this.current.lanes.map((lane, i) => (i === index ? { ...lane, ...change } : lane));
        this.save({ ...this.current, lanes });
      },
    };
  }

  vote(contenders: readonly string[], winner: number | 'tie'): void {
    this.save({ ...this.current, votes: recordVote(this.current.votes, contenders, winner) });
  }

  get votes(): readonly PairTally[] {
    return this.current.votes;
  }

  private save(next: CompareSettingsValue): void {
    this.current = next;
    try {
      this.storage?.setItem(KEY, JSON.stringify(next));
    } catch {
      // Private modes may refuse storage; the settings then last for this session only.
    }
    this.changed();
  }
}
