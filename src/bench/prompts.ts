/**
 * The built-in prompt set, and JSON import/export of prompt sets.
 *
 * The built-in prompts are cases of the bundled models' golden file
 * (tools/models/golden/pocket-chat-1m.json), so the offline preset gets real answers, not
 * "I don't know". Their greedy answers range from 9 to 70 tokens: short ones weigh TTFT, long
 * ones decode speed.
 */
import { parseJsonText, parseWith, promptSetSchema, type BenchPrompt, type PromptSet } from './bench-types';

const user = (content: string): BenchPrompt['messages'] => [{ role: 'user', content }];

/**
 * The built-in set, deterministic under greedy decoding. A function, not a shared constant: each
 * caller gets its own copy, so an edit in the UI can never change the default.
 */
export function builtinPromptSet(): PromptSet {
  return {
    name: 'Built-in (pocket-chat)',
    prompts: [
      { id: 'add', messages: user('What is 2 plus 3?') },
      { id: 'hello', messages: user('Hello') },
      { id: 'capital', messages: user('What is the capital of France?') },
      { id: 'moon', messages: user('Tell me about the moon.') },
      { id: 'python', messages: user('Show me hello world in Python.') },
      { id: 'who', messages: user('Who are you?') },
      {
        id: 'system-multiply',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'What is 7 times 8?' },
        ],
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
  if (isRecord(data) && data.format === PROMPT_SET_FORMAT) {
    return parseWith(promptSetSchema, data.promptSet, 'prompt set', ['promptSet']);
  }
  return parseWith(promptSetSchema, data, 'prompt set');
}

/** A prompt set as JSON, in the envelope that parsePromptSet recognises. */
export function promptSetToJson(set: PromptSet): string {
  return `${JSON.stringify({ format: PROMPT_SET_FORMAT, promptSet: set }, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
