/** The headless driver's --judge and --judge-template flags: what they choose, and every way they are refused. */
import { describe, expect, it } from 'vitest';
import { judgeFromFlags } from '../../tools/bench/judge-flags';

const files: Record<string, string> = { 'good.txt': 'Grade {{answer}}', 'bad.txt': 'Grade {{question}}' };
const read = (file: string): string => {
  const text = files[file];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${file}'`);
  return text;
};

describe('judgeFromFlags', () => {
  it('chooses the model on wasm unless a backend is named, with the default or a file template', () => {
    expect(judgeFromFlags({}, read)).toBeNull();
    expect(judgeFromFlags({ judge: 'pocket-chat-3m' }, read)).toEqual({
      judge: { modelId: 'pocket-chat-3m', backend: 'wasm' },
      template: null,
    });
    expect(judgeFromFlags({ judge: 'phi-4-mini@gateway', 'judge-template': 'good.txt' }, read)).toEqual({
      judge: { modelId: 'phi-4-mini', backend: 'gateway' },
      template: 'Grade {{answer}}',
    });
  });

  it.each([
    [{ judge: 'x@gpu' }, /--judge "x@gpu": use MODEL or MODEL@BACKEND/],
    [{ judge: '@wasm' }, /--judge "@wasm"/],
    [{ judge: 'a@wasm@webgpu' }, /--judge "a@wasm@webgpu"/],
    [{ 'judge-template': 'good.txt' }, /--judge-template needs --judge MODEL/],
    [{ judge: 'm', 'judge-template': 'missing.txt' }, /--judge-template missing.txt: ENOENT/],
    [{ judge: 'm', 'judge-template': 'bad.txt' }, /--judge-template bad.txt: The judge's prompt must contain \{\{answer\}\}/],
  ])('refuses %j', (flags, why) => {
    expect(() => judgeFromFlags(flags, read)).toThrow(why);
  });
});
