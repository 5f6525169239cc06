/**
 * The built-in prompt set, and JSON import/export of prompt sets.
 *
 * The built-in prompts are cases of the bundled models' golden file
 * (tools/models/golden/pocket-chat-1m.json), so the offline preset gets real answers, not
 * "I don't know". Their greedy answers range from 9 to 70 tokens: short ones weigh TTFT, long
 * ones decode speed. Each is scored by facets any good answer has (not by a reference: no two
 * models word an answer alike), so quality means the same for a bundled model and a hub one.
 */
import { z } from 'zod';
import { formatPath } from '../catalog/schema';
import { BenchValidationError, parseJsonText, promptSetSchema, type BenchPrompt, type PromptSet } from './bench-types';

const user = (content: string): BenchPrompt['messages'] => [{ role: 'user', content }];

/**
 * The built-in set, deterministic under greedy decoding. A function, not a shared constant: each
 * caller gets its own copy, so an edit in the UI can never change the default.
 */
export function builtinPromptSet(): PromptSet {
  return {
    name: 'Built-in (pocket-chat)',
    prompts: [
      { id: 'add', messages: user('What is 2 plus 3?'), facets: [{ regex: '\\b5\\b|\\bfive\\b', flags: 'i' }], length: { maxChars: 200 } },
      { id: 'hello', messages: user('Hello'), length: { minChars: 2, maxChars: 200 } },
      { id: 'capital', messages: user('What is the capital of France?'), facets: ['Paris'], length: { maxChars: 300 } },
      {
        id: 'moon',
        messages: user('Tell me about the moon.'),
        facets: ['Earth', { regex: 'sun|light', flags: 'i' }],
        length: { minChars: 40 },
      },
      { id: 'python', task: 'code', messages: user('Show me hello world in Python.'), facets: ['print(', 'hello, world'] },
      { id: 'count', messages: user('Count from 3 to 8.'), facets: ['3', '4', '5', '6', '7', '8'], length: { maxChars: 200 } },
      { id: 'who', messages: user('Who are you?'), length: { minChars: 10 } },
      {
        id: 'system-multiply',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'What is 7 times 8?' },
        ],
        facets: ['56'],
        length: { maxChars: 200 },
      },
    ],
  };
}

export const PROMPT_SET_FORMAT = 'webgpu-playground.prompt-set';

/**
 * Validates a prompt set from JSON text or an already parsed value, or throws a
 * BenchValidationError naming each bad field (`prompts[2].messages[0].role: ...`). Accepts both
 * the exported envelope `{format, promptSet}` and a bare `{name, prompts}`.
 */
export function parsePromptSet(input: unknown): PromptSet {
  const data = typeof input === 'string' ? parseJsonText(input, 'prompt set') : input;
  if (isRecord(data) && data.format === PROMPT_SET_FORMAT) return parseSet(data.promptSet, ['promptSet']);
  return parseSet(data, []);
}

/** The id a raw prompt entry gives itself, if it gives one. */
function rawPromptId(set: unknown, index: PropertyKey): string | null {
  const prompts = isRecord(set) ? set.prompts : undefined;
  const entry: unknown = Array.isArray(prompts) && typeof index === 'number' ? prompts[index] : undefined;
  const id = isRecord(entry) ? entry.id : undefined;
  return typeof id === 'string' && id ? id : null;
}

/**
 * Parses a set; each issue names its field, and for a field of a prompt the prompt's id as well
 * (`prompts[2].facets[1].regex: not a valid regular expression — in prompt "moon"`), since a
 * person editing a long file looks for the id.
 */
function parseSet(set: unknown, prefix: readonly PropertyKey[]): PromptSet {
  const result = promptSetSchema.safeParse(set);
  if (result.success) return result.data;
  throw new BenchValidationError(
    result.error.issues.map((issue) => describeIssue(issue, set, prefix)),
    'prompt set',
  );
}

function describeIssue(issue: z.core.$ZodIssue, set: unknown, prefix: readonly PropertyKey[]): string {
  const [top, index, field] = issue.path;
  const line = `${formatPath([...prefix, ...issue.path]) || '(root)'}: ${issue.message}`;
  // An issue with the id itself already quotes it (a duplicate) or there is none to quote.
  const id = top === 'prompts' && field !== 'id' ? rawPromptId(set, index ?? '') : null;
  return id === null ? line : `${line} — in prompt "${id}"`;
}

/** A prompt set as JSON, in the envelope that parsePromptSet recognises. */
export function promptSetToJson(set: PromptSet): string {
  return `${JSON.stringify({ format: PROMPT_SET_FORMAT, promptSet: set }, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
