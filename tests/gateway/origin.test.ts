/**
 * The one origin parser behind --allow-origin, startGateway({ allowOrigins }) and the Origin
 * check: full http(s) origins are normalised; everything that would become `null` in a browser,
 * or carries more than an origin, is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOriginError, parseOrigin, requestOrigin } from '../../gateway/origin';
import { startGateway } from '../../gateway/server';

describe('parseOrigin', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['HTTP://LOCALHOST:3000/', 'http://localhost:3000'],
    ['https://example.com', 'https://example.com'],
    ['http://127.0.0.1:80', 'http://127.0.0.1'],
    ['http://[::1]:5173', 'http://[::1]:5173'],
    ['  http://localhost:3000  ', 'http://localhost:3000'],
  ])('%s -> %s', (value, origin) => {
    expect(parseOrigin(value)).toBe(origin);
  });

  it.each([
    ['file:///x.html', /only http and https pages have an origin \(this is file:\)/],
    ['localhost:3000', /no scheme/],
    ['about:blank', /no scheme/],
    ['data:', /no scheme/],
    ['data:text/html,<p>hi</p>', /no scheme/],
    ['null', /'null' is what sandboxed iframes/],
    ['', /no scheme/],
    ['http://a/b', /it has a path \('\/b'\)/],
    ['http://a/./', /it has a path/],
    ['http://a?x=1', /query or fragment/],
    ['http://a/?', /query or fragment/],
    ['http://a#x', /query or fragment/],
    ['http://user:secret@a', /user name or password/],
    ['ws://localhost:3000', /\(this is ws:\)/],
    ['http://', /not a URL/],
  ])('refuses %j: %s', (value, reason) => {
    let error: unknown;
    try {
      parseOrigin(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOriginError);
    expect((error as InvalidOriginError).reason).toMatch(reason);
    expect((error as Error).message).toContain('expected an origin of the form http(s)://host[:port]');
  });

  it('a request Origin that is no origin reads as null, never as an origin', () => {
    expect(requestOrigin('null')).toBeNull();
    expect(requestOrigin('file://')).toBeNull();
    expect(requestOrigin('http://localhost:5173')).toBe('http://localhost:5173');
  });
});

describe('startGateway', () => {
  it('refuses a bad allowOrigins entry before listening, naming it', async () => {
    await expect(startGateway({ port: 0, allowOrigins: ['http://localhost:3000', 'file:///x.html'] })).rejects.toThrow(
      /Invalid origin 'file:\/\/\/x\.html': only http and https pages/,
    );
  });
});
