/**
 * Every bad request gets its status and an OpenAI-shaped error naming what is wrong, seen both raw
 * and through the official client. Nothing is loaded here, so a known model is "not loaded".
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { MODEL, MODEL_ID, errorOf, openai, raw, useGateway, type ErrorBody } from './support';

const gw = useGateway();
const hello = [{ role: 'user', content: 'Hello' }];

async function rejected(body: unknown): Promise<{ status: number; error: ErrorBody['error'] }> {
  const res = await raw(gw.url, '/v1/chat/completions', { body });
  return { status: res.status, error: errorOf(res) };
}

describe('request validation', () => {
  it('malformed JSON is a 400 saying so', async () => {
    const res = await raw(gw.url, '/v1/chat/completions', { body: '{"model": "x", "messages": [' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const error = errorOf(res);
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a body that is not an object is a 400', async () => {
    expect((await rejected([1, 2])).status).toBe(400);
  });

  it.each([
    ['missing messages', { model: MODEL_ID }, 'messages', /Missing required parameter: 'messages'/],
    ['missing model', { messages: hello }, 'model', /Missing required parameter: 'model'/],
    ['empty messages', { model: MODEL_ID, messages: [] }, 'messages', /empty/],
    ['messages not an array', { model: MODEL_ID, messages: 'Hello' }, 'messages', /expected an array/],
    ['invalid role', { model: MODEL_ID, messages: [{ role: 'wizard', content: 'Hi' }] }, 'messages[0].role', /"wizard"/],
    ['tool role', { model: MODEL_ID, messages: [...hello, { role: 'tool', content: 'x' }] }, 'messages[1].role', /"tool"/],
    ['missing content', { model: MODEL_ID, messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required/],
    [
      'image content part',
      { model: MODEL_ID, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content[0]',
      /text/,
    ],
    ['temperature above 2', { model: MODEL_ID, messages: hello, temperature: 3 }, 'temperature', /between 0 and 2/],
    ['temperature not a number', { model: MODEL_ID, messages: hello, temperature: 'hot' }, 'temperature', /expected a number/],
    ['negative top_p', { model: MODEL_ID, messages: hello, top_p: -0.5 }, 'top_p', /between 0 and 1/],
    ['max_tokens 0', { model: MODEL_ID, messages: hello, max_tokens: 0 }, 'max_tokens', /at least 1/],
    ['fractional max_tokens', { model: MODEL_ID, messages: hello, max_tokens: 2.5 }, 'max_tokens', /integer/],
    ['top_k in metadata not a number', { model: MODEL_ID, messages: hello, metadata: { top_k: 'many' } }, 'metadata.top_k', /integer/],
    [
      'min_tokens above max_tokens',
      { model: MODEL_ID, messages: hello, max_tokens: 2, min_tokens: 5 },
      'min_tokens',
      /more than max_tokens/,
    ],
    ['too many stop sequences', { model: MODEL_ID, messages: hello, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /up to 4/],
    ['stream not a boolean', { model: MODEL_ID, messages: hello, stream: 'yes' }, 'stream', /boolean/],
    ['frequency_penalty', { model: MODEL_ID, messages: hello, frequency_penalty: 0.5 }, 'frequency_penalty', /repetition_penalty/],
    ['n = 2', { model: MODEL_ID, messages: hello, n: 2 }, 'n', /one choice/],
    ['tools', { model: MODEL_ID, messages: hello, tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools', /cannot call tools/],
  ])('%s: 400 with param %s', async (_name, body, param, message) => {
    const { status, error } = await rejected(body);
    expect(status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`'${param}'`);
  });
});

describe('models', () => {
  const client = (): OpenAI => openai(gw.url);

  it('an unknown model is a 404 the openai client raises as NotFoundError', async () => {
    const error = await client()
      .chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const e = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.param).toBe('model');
    expect(e.code).toBe('model_not_found');
    expect(e.message).toMatch(/No model matching 'no-such-model'/);
  });

  it('an alias is a 404 that names the model id to use (aliases are not resolved, like Foundry)', async () => {
    const { status, error } = await rejected({ model: MODEL, messages: hello });
    expect(status).toBe(404);
    expect(error.message).toContain(`'${MODEL_ID}'`);
  });

  it('a known model that is not loaded is a 400 "Model not loaded"', async () => {
    const error = await client()
      .chat.completions.create({ model: MODEL_ID, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const e = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.code).toBe('model_not_loaded');
    expect(e.message).toMatch(/Model not loaded/);
  });

  it('the id without its :version is the same model', async () => {
    const res = await raw(gw.url, `/v1/models/${MODEL_ID.replace(/:\d+$/, '')}`);
    expect(res.status).toBe(200);
    expect((res.json() as { id: string }).id).toBe(MODEL_ID);
  });
});

describe('transport', () => {
  it('a body over 1 MiB is a 413', async () => {
    const body = JSON.stringify({ model: MODEL_ID, messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] });
    const res = await raw(gw.url, '/v1/chat/completions', { body });
    expect(res.status).toBe(413);
    expect(errorOf(res).message).toMatch(/larger than the gateway accepts \(1048576 bytes\)/);
  });

  it('a body just under the limit is read (and then judged on its content)', async () => {
    const content = 'x'.repeat(1024 * 1024 - 200);
    const res = await raw(gw.url, '/v1/chat/completions', { body: { model: 'nope', messages: [{ role: 'user', content }] } });
    expect(res.status).toBe(404);
  });

  it('the wrong method is a 405 with an Allow header', async () => {
    const get = await raw(gw.url, '/v1/chat/completions');
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST, OPTIONS');
    expect(errorOf(get).message).toMatch(/Method GET is not allowed/);
    const post = await raw(gw.url, '/v1/models', { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, OPTIONS');
  });

  it('an unknown route is a 404 error object', async () => {
    const res = await raw(gw.url, '/v2/everything');
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
  });
});
