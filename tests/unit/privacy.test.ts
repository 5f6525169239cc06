/** The privacy meter's classification of request URLs and its log. */
import { describe, expect, it } from 'vitest';
import { classifyRequest, type Destinations } from '../../src/privacy/classify';
import { RequestLog } from '../../src/privacy/request-log';

const where: Destinations = {
  pageUrl: 'http://127.0.0.1:4173/',
  hubUrl: 'https://huggingface.co/',
  gatewayUrl: 'http://localhost:5273',
  proxyPath: '/gateway',
};

describe('classifyRequest', () => {
  it('puts each URL in its group', () => {
    expect(classifyRequest('http://127.0.0.1:4173/assets/index.js', where)).toBe('app');
    expect(classifyRequest('/models/pocket-chat-1m/onnx/model_q4.onnx', where)).toBe('app');
    expect(classifyRequest('http://127.0.0.1:4173/gateway/v1/chat/completions', where)).toBe('gateway');
    expect(classifyRequest('http://127.0.0.1:4173/gatewayish', where)).toBe('app');
    expect(classifyRequest('http://localhost:5273/v1/models', where)).toBe('gateway');
    expect(classifyRequest('https://huggingface.co/org/m/resolve/abc/config.json', where)).toBe('hub');
    expect(classifyRequest('https://cdn-lfs-us-1.hf.co/repos/x', where)).toBe('hub');
    expect(classifyRequest('https://example.com/pixel.gif', where)).toBe('other');
    expect(classifyRequest('http://localhost:5274/v1/models', where)).toBe('other');
  });

  it('follows a hub mirror and ignores what never leaves the page', () => {
    expect(classifyRequest('http://127.0.0.1:9000/org/m/resolve/abc/config.json', { ...where, hubUrl: 'http://127.0.0.1:9000/' })).toBe(
      'hub',
    );
    expect(classifyRequest('blob:http://127.0.0.1:4173/1234', where)).toBeNull();
    expect(classifyRequest('data:,x', where)).toBeNull();
  });
});

describe('RequestLog', () => {
  it('counts by destination, reports external requests, and finds those in a time window', () => {
    const log = new RequestLog(() => where);
    let changes = 0;
    log.addEventListener('change', () => changes++);
    log.add('http://127.0.0.1:4173/app.js', 100, 'page');
    log.add('https://huggingface.co/a', 200, 'worker');
    log.add('http://localhost:5273/v1/models', 300, 'page');
    log.add('blob:http://127.0.0.1:4173/x', 400, 'worker');
    expect(log.counts).toEqual({ app: 1, hub: 1, gateway: 1, other: 0 });
    expect(log.external).toBe(2);
    expect(changes).toBe(3);
    expect(log.between(150, 300).map((e) => e.destination)).toEqual(['hub', 'gateway']);
  });
});
