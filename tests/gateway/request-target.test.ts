/**
 * The request target as node:http hands it over, parsed without URL: kept exactly as sent,
 * every malformed form a 400 (or 414) saying what is wrong, never an exception of another kind.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../gateway/api-error';
import { MAX_TARGET_LENGTH, parseRequestTarget } from '../../gateway/request-target';

function refusal(method: string, target: string | undefined): ApiError {
  try {
    parseRequestTarget(method, target);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${target ?? '(none)'} was accepted`);
}

describe('parseRequestTarget', () => {
  it('keeps an origin-form path exactly as sent: no dot-segment folding, no decoding', () => {
    const t = parseRequestTarget('GET', '/v1/../openai/unloadall?force=true&x=%41');
    expect(t.pathname).toBe('/v1/../openai/unloadall');
    expect(t.query.get('force')).toBe('true');
    expect(t.query.get('x')).toBe('A');
    expect(t.authority).toBeNull();
  });

  it.each(['//', '//x:99999/', '/models/load/pocket-chat-1m-generic-cpu:1', "/a-._~!$&'()*+,;=:@b"])('accepts %s as a path', (target) => {
    expect(parseRequestTarget('GET', target).pathname).toBe(target);
  });

  it('hands back the authority of an absolute-form target', () => {
    const t = parseRequestTarget('GET', 'HTTP://127.0.0.1:5273/v1/models?x=1');
    expect(t).toMatchObject({ pathname: '/v1/models', authority: '127.0.0.1:5273' });
    expect(parseRequestTarget('GET', 'http://[/').authority).toBe('[');
    expect(parseRequestTarget('GET', 'http://localhost').pathname).toBe('/');
  });

  it('takes * only with OPTIONS', () => {
    expect(parseRequestTarget('OPTIONS', '*').pathname).toBe('*');
    expect(refusal('GET', '*').message).toMatch(/only goes with OPTIONS/);
  });

  it.each([
    ['/\\', /the character '\\' must be percent-encoded/],
    ['/a b', /the character ' ' must be percent-encoded/],
    ['/a#b', /the character '#' must be percent-encoded/],
    ['/ä', /the character 'ä' must be percent-encoded/],
    ['/a%zz', /every % must be followed by two hex digits/],
    ['/a?b=%', /every % must be followed by two hex digits/],
    ['https://127.0.0.1/', /the scheme 'https'/],
    ['http://me@127.0.0.1/', /user name/],
    ['v1/models', /is not a path/],
    ['', /has no target/],
  ])('refuses %j with a 400', (target, message) => {
    const error = refusal('GET', target);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request_target');
    expect(error.message).toMatch(message);
  });

  it('refuses a target over the length limit with 414, quoting none of it', () => {
    const error = refusal('GET', `/${'a'.repeat(MAX_TARGET_LENGTH)}`);
    expect(error.status).toBe(414);
    expect(error.message.length).toBeLessThan(200);
  });
});
