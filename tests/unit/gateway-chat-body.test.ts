/**
 * The OpenAI request body the gateway engine sends (src/engine/gateway/gateway-engine.ts): the
 * reasoning effort goes only to models that reason, since OpenAI's API refuses the field for the
 * others, and which models reason comes from the catalog (or a gpt-oss id a gateway lists).
 */
import { describe, expect, it } from 'vitest';
import { discoveredGatewayModel, toGatewayModelRef } from '../../src/catalog/catalog';
import { chatBody } from '../../src/engine/gateway/gateway-engine';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { readCatalog } from '../support/paths';

const catalog = readCatalog().models;
const byId = (id: string) => catalog.find((m) => m.id === id)!;
const params = { ...DEFAULT_PARAMS, reasoningEffort: 'high' as const };
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('chatBody', () => {
  it('carries reasoning_effort for a model that reasons, and not for one that does not', () => {
    expect(chatBody('gpt-oss-20b', messages, params, 'openai', true)['reasoning_effort']).toBe('high');
    expect('reasoning_effort' in chatBody('qwen2.5-0.5b', messages, params, 'openai', false)).toBe(false);
  });
});

describe('toGatewayModelRef', () => {
  it('marks gpt-oss (catalog, browser entry on its alias, or listed by a gateway) as reasoning; Qwen not', () => {
    expect(toGatewayModelRef(byId('gpt-oss-20b')).reasons).toBe(true);
    expect(toGatewayModelRef(byId('gpt-oss-20b-onnx'))).toMatchObject({ serverModel: 'gpt-oss-20b', reasons: true });
    expect(toGatewayModelRef(discoveredGatewayModel('gpt-oss-20b-cuda-gpu:1')).reasons).toBe(true);
    expect(toGatewayModelRef(byId('qwen2.5-0.5b')).reasons).toBe(false);
    expect(toGatewayModelRef(discoveredGatewayModel('llama3.2:1b')).reasons).toBe(false);
  });
});
