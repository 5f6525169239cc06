/**
 * The headless driver's judge (`npm run bench -- --judge pocket-chat-3m`): grades every answer of
 * the run on the rubric with that model, after the answers, as the Benchmark tab does.
 *
 *   --judge MODEL[@BACKEND]   the judge's catalog id, on wasm unless a backend is named
 *                             (wasm, webgpu or gateway)
 *   --judge-template FILE     the judge's prompt, with {{question}}, {{reference}} and {{answer}}
 *                             (default: the tab's default template)
 */
import fs from 'node:fs';
import { BACKENDS, type BenchTarget } from '../../src/bench/bench-types';
import { checkTemplate } from '../../src/bench/judge-prompt';
import { errorMessage } from '../../src/errors/error-message';

/** The flags, in the shape node:util parseArgs takes. */
export const JUDGE_OPTIONS = {
  judge: { type: 'string' },
  'judge-template': { type: 'string' },
} as const;

export interface JudgeFlags {
  judge?: string | undefined;
  'judge-template'?: string | undefined;
}

export interface JudgeChoice {
  judge: BenchTarget;
  /** null: the default template. */
  template: string | null;
}

/** The judge the flags name, null without --judge, or an Error saying which flag is wrong. */
export function judgeFromFlags(
  flags: JudgeFlags,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): JudgeChoice | null {
  if (flags.judge === undefined) {
    if (flags['judge-template'] !== undefined) throw new Error('--judge-template needs --judge MODEL: name the model that grades.');
    return null;
  }
  const [modelId = '', backend = 'wasm', ...rest] = flags.judge.trim().split('@');
  const known = BACKENDS.find((b) => b === backend);
  if (!modelId || rest.length || !known) {
    throw new Error(
      `--judge "${flags.judge}": use MODEL or MODEL@BACKEND, BACKEND one of ${BACKENDS.join(', ')} (e.g. pocket-chat-3m@wasm).`,
    );
  }
  const file = flags['judge-template'];
  if (file === undefined) return { judge: { modelId, backend: known }, template: null };
  let template: string;
  try {
    template = readFile(file);
  } catch (error) {
    throw new Error(`--judge-template ${file}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    checkTemplate(template);
  } catch (error) {
    throw new Error(`--judge-template ${file}: ${errorMessage(error)}`, { cause: error });
  }
  return { judge: { modelId, backend: known }, template };
}
