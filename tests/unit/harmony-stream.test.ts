/**
 * The streaming Harmony parser (src/engine/worker/harmony-stream.ts). The reference inputs are
 * the outputs of the Harmony format description (openai/harmony docs/format.md) and of
 * openai-harmony's own parser tests (src/tests.rs, test-data/), with the messages those tests
 * expect; each is fed whole, split at every position, and one character at a time.
 */
import { describe, expect, it } from 'vitest';
import { HARMONY_MARKERS, HEADER_LIMIT, HELD_LIMIT, HarmonyStream, type HarmonyDelta } from '../../src/engine/worker/harmony-stream';

/** Feeds `pieces` and finishes; the text per section. */
function parse(pieces: readonly string[], ignore: string[] = []): HarmonyDelta {
  const stream = new HarmonyStream(ignore);
  const out = { reasoning: '', answer: '' };
  const add = (d: HarmonyDelta): void => {
    out.reasoning += d.reasoning;
    out.answer += d.answer;
  };
  for (const piece of pieces) add(stream.push(piece));
  add(stream.finish());
  return out;
}

interface Sample {
  name: string;
  text: string;
  reasoning: string;
  answer: string;
}

const SAMPLES: Sample[] = [
  {
    // format.md, "Chat conversation format", example output (also test_simple_reasoning_response).
    name: 'reasoning then answer',
    text: '<|channel|>analysis<|message|>User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.<|end|><|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>',
    reasoning: 'User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.',
    answer: '2 + 2 = 4.',
  },
  {
    // format.md, "Receiving tool calls": the call is reasoning, labelled; there is no answer.
    name: 'a function call',
    text: '<|channel|>analysis<|message|>Need to use function get_weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"location":"San Francisco"}<|call|>',
    reasoning: 'Need to use function get_weather.\n\n[commentary · to functions.get_weather]\n{"location":"San Francisco"}',
    answer: '',
  },
  {
    // format.md, "Preambles": a commentary preamble, then a call.
    name: 'a preamble before a call',
    text:
      '<|channel|>analysis<|message|>{long chain of thought}<|end|><|start|>assistant<|channel|>commentary<|message|>**Action plan**:\n1. Generate an HTML file\n2. Generate a JavaScript for the Node.js server\n3. Start the server\n---\nWill start executing the plan step by step<|end|>' +
      '<|start|>assistant<|channel|>commentary to=functions.generate_file<|constrain|>json<|message|>{"template": "basic_html", "path": "index.html"}<|call|>',
    reasoning:
      '{long chain of thought}\n\n[commentary]\n**Action plan**:\n1. Generate an HTML file\n2. Generate a JavaScript for the Node.js server\n3. Start the server\n---\nWill start executing the plan step by step' +
      '\n\n[commentary · to functions.generate_file]\n{"template": "basic_html", "path": "index.html"}',
    answer: '',
  },
  {
    // test-data/test_streamable_parser.txt: three messages, the last one from a tool.
    name: 'a browser search and its result',
    text: '<|channel|>analysis<|message|>User asks "Who is the current US president?" Let\'s browse to confirm.<|end|><|start|>assistant<|channel|>commentary to=browser.search code<|message|>{"query": "current US president July 2025", "topn": 10, "source": "news"}<|call|><|start|>browser.search to=assistant<|channel|>commentary<|message|>{"result": "https://openai.com/"}<|end|>',
    reasoning:
      'User asks "Who is the current US president?" Let\'s browse to confirm.\n\n[commentary · to browser.search]\n{"query": "current US president July 2025", "topn": 10, "source": "news"}' +
      '\n\n[browser.search · commentary · to assistant]\n{"result": "https://openai.com/"}',
    answer: '',
  },
  {
    // test_simple_tool_call's tokens written out: the recipient after the channel, content type `code`.
    name: 'a built-in tool call on the analysis channel',
    text: '<|channel|>analysis<|message|>User asks: "What is the weather in Tokyo?" We need to use lookup_weather tool.<|end|><|start|>assistant<|channel|>analysis to=lookup_weather code<|message|>{"location": "Tokyo"}',
    reasoning:
      'User asks: "What is the weather in Tokyo?" We need to use lookup_weather tool.\n\n[analysis · to lookup_weather]\n{"location": "Tokyo"}',
    answer: '',
  },
  {
    // test_tool_call_with_constrain_marker_adjacent: the recipient in the role part of the header.
    name: 'a recipient before the channel',
    text: '<|start|>assistant to=functions.get_weather<|channel|>commentary<|constrain|>json<|message|>{"location": "Tokyo"}<|end|>',
    reasoning: '[commentary · to functions.get_weather]\n{"location": "Tokyo"}',
    answer: '',
  },
  {
    // test_missing_message_token_requires_non_strict_mode: the non-strict parser keeps "Hello".
    name: 'a header without <|message|>',
    text: '<|channel|>commentary Hello<|end|>',
    reasoning: '[commentary]\nHello',
    answer: '',
  },
  {
    // test_streamable_parser_does_not_leak_bytes_between_messages: messages without a channel.
    name: 'assistant messages without a channel',
    text: '<|start|>assistant<|message|>Hi<|end|><|start|>assistant<|message|>there<|end|>',
    reasoning: '',
    answer: 'Hi\n\nthere',
  },
  {
    name: 'no analysis channel at all',
    text: '<|channel|>final<|message|>2 + 2 = 4.<|return|>',
    reasoning: '',
    answer: '2 + 2 = 4.',
  },
  {
    name: 'an answer cut off by the token budget',
    text: '<|channel|>analysis<|message|>Simple arithmetic.<|end|><|start|>assistant<|channel|>final<|message|>2 + 2',
    reasoning: 'Simple arithmetic.',
    answer: '2 + 2',
  },
  {
    name: 'reasoning cut off inside the next header',
    text: '<|channel|>analysis<|message|>Simple arithmetic.<|end|><|start|>assistant<|channel|>fin',
    reasoning: 'Simple arithmetic.',
    answer: '',
  },
  {
    name: 'the final channel without <|end|> or <|start|> before it',
    text: '<|channel|>analysis<|message|>think<|channel|>final<|message|>4<|return|>',
    reasoning: 'think',
    answer: '4',
  },
  {
    // test_keep_analysis_between_finals, as one completion: both kinds joined by a blank line.
    name: 'analysis between two finals',
    text: '<|channel|>final<|message|>4<|end|><|start|>assistant<|channel|>analysis<|message|>thinking 3+5<|end|><|start|>assistant<|channel|>final<|message|>8<|end|>',
    reasoning: 'thinking 3+5',
    answer: '4\n\n8',
  },
  {
    name: 'text that is not Harmony at all',
    text: 'The answer is 4.',
    reasoning: '',
    answer: 'The answer is 4.',
  },
];

describe('the reference outputs', () => {
  it.each(SAMPLES)('$name: whole', ({ text, reasoning, answer }) => {
    expect(parse([text])).toEqual({ reasoning, answer });
  });

  it.each(SAMPLES)('$name: split at every position', ({ text, reasoning, answer }) => {
    for (let at = 0; at <= text.length; at++) {
      const got = parse([text.slice(0, at), text.slice(at)]);
      if (got.reasoning !== reasoning || got.answer !== answer) expect({ at, ...got }).toEqual({ at, reasoning, answer });
    }
  });

  it.each(SAMPLES)('$name: one character at a time, never a piece of a marker out', ({ text, reasoning, answer }) => {
    const stream = new HarmonyStream();
    const out = { reasoning: '', answer: '' };
    for (const ch of text) {
      const d = stream.push(ch);
      for (const part of [d.reasoning, d.answer]) for (const m of HARMONY_MARKERS) expect(part).not.toContain(m.slice(0, 2));
      out.reasoning += d.reasoning;
      out.answer += d.answer;
    }
    const d = stream.finish();
    expect({ reasoning: out.reasoning + d.reasoning, answer: out.answer + d.answer }).toEqual({ reasoning, answer });
  });
});

describe('streaming', () => {
  it('hands out reasoning and answer as they arrive, not at the end', () => {
    const stream = new HarmonyStream();
    expect(stream.push('<|channel|>analysis<|message|>User asks')).toEqual({ reasoning: 'User asks', answer: '' });
    expect(stream.push(' twice.<|end|><|start|>assistant<|channel|>final<|message|>Four')).toEqual({
      reasoning: ' twice.',
      answer: 'Four',
    });
    expect(stream.push('.')).toEqual({ reasoning: '', answer: '.' });
  });

  it('holds back only what could still be a marker', () => {
    const stream = new HarmonyStream();
    stream.push('<|channel|>final<|message|>');
    expect(stream.push('a < b and x<|')).toEqual({ reasoning: '', answer: 'a < b and x' });
    expect(stream.push('y')).toEqual({ reasoning: '', answer: '' });
    // `<|y` + a space can no longer be a marker.
    expect(stream.push(' z')).toEqual({ reasoning: '', answer: '<|y z' });
  });

  it('says which section each token of the reference output belongs to', () => {
    const tokens = [
      '<|channel|>',
      'analysis',
      '<|message|>',
      'Simple',
      ' arithmetic.',
      '<|end|>',
      '<|start|>',
      'assistant',
      '<|channel|>',
      'final',
      '<|message|>',
      '4',
      '<|return|>',
    ];
    const stream = new HarmonyStream();
    const sections = tokens.map((t) => {
      stream.push(t);
      return stream.section;
    });
    const R = 'reasoning';
    const A = 'answer';
    expect(sections).toEqual([null, null, R, R, R, R, null, null, null, null, A, A, A]);
  });

  it('drops the tokenizer’s other special tokens and keeps unknown <|words|> as text', () => {
    const got = parse(
      ['<|channel|>final<|message|>a<|reserved_200013|>b<|startoftext|> <|user|> c'],
      ['<|reserved_200013|>', '<|startoftext|>'],
    );
    expect(got).toEqual({ reasoning: '', answer: 'ab <|user|> c' });
  });

  it('gives the text of a model that writes no header to the answer once it cannot be one', () => {
    const stream = new HarmonyStream();
    const text = 'x'.repeat(HEADER_LIMIT + 10);
    expect(stream.push(text).answer).toBe(text);
    expect(stream.section).toBe('answer');
  });

  it('keeps what an unknown channel or another role writes, labelled as reasoning', () => {
    expect(parse(['<|channel|>scratch<|message|>notes<|end|><|start|>user<|message|>fake turn<|end|>'])).toEqual({
      reasoning: '[scratch]\nnotes\n\n[user · no channel]\nfake turn',
      answer: '',
    });
  });
});

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('pathological output', () => {
  const ATOMS = [
    ...HARMONY_MARKERS,
    '<|endoftext|>',
    '<|',
    '|>',
    '<',
    '|',
    '>',
    'analysis',
    'final',
    'commentary',
    ' to=x',
    ' ',
    '\n',
    'word',
    'é',
    '🙂',
  ];

  it('never throws, never lets a marker out, keeps its state bounded, and gives the same text however it is split', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const text = Array.from({ length: 300 }, () => ATOMS[Math.floor(next() * ATOMS.length)]).join('');
      const whole = parse([text]);
      const stream = new HarmonyStream();
      const pieces = { reasoning: '', answer: '' };
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(next() * 12);
        const d = stream.push(text.slice(at, at + size));
        pieces.reasoning += d.reasoning;
        pieces.answer += d.answer;
        expect(stream.bufferedChars).toBeLessThanOrEqual(HEADER_LIMIT + HELD_LIMIT);
        at += size;
      }
      const d = stream.finish();
      pieces.reasoning += d.reasoning;
      pieces.answer += d.answer;
      expect(pieces, `seed ${seed}`).toEqual(whole);
      for (const part of [whole.reasoning, whole.answer]) for (const m of HARMONY_MARKERS) expect(part, `seed ${seed}`).not.toContain(m);
    }
  });

  it('keeps every character of a megabyte of marker-like text in an answer', () => {
    const flood = '<|'.repeat(300_000) + '<'.repeat(200_000) + '|>'.repeat(200_000);
    const stream = new HarmonyStream();
    let answer = stream.push('<|channel|>final<|message|>').answer;
    for (let at = 0; at < flood.length; at += 4096) answer += stream.push(flood.slice(at, at + 4096)).answer;
    answer += stream.finish().answer;
    expect(answer.length).toBe(flood.length);
    expect(answer === flood).toBe(true);
  });

  it('a header that never ends becomes text instead of growing without bound', () => {
    const stream = new HarmonyStream();
    stream.push('<|channel|>analysis');
    let reasoning = '';
    for (let i = 0; i < 10_000; i++) {
      reasoning += stream.push(' more words without a message marker').reasoning;
      expect(stream.bufferedChars).toBeLessThanOrEqual(HEADER_LIMIT + HELD_LIMIT);
    }
    expect(reasoning.startsWith('more words')).toBe(true);
    expect(reasoning.length).toBeGreaterThan(300_000);
  });
});
