/** CSV, JSON and Markdown exports of a run, and the round trip back to samples and runs. */
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsvText, toCsvText } from '../../src/bench/csv';
import { FEW_SAMPLES_MARK, MARKDOWN_HEADER, runToMarkdown } from '../../src/bench/markdown';
import { CSV_HEADER, RUN_FORMAT, parseRunJson, parseSamplesCsv, runToJson, samplesToCsv } from '../../src/bench/report';
import { BenchValidationError } from '../../src/bench/bench-types';
import { run, sample } from './bench-fixtures';

/** Samples that stress every cell type: awkward text, nulls, floats that do not print short. */
const tricky = [
  sample({ warmup: true, round: 0 }),
  sample({ output: 'a, "quoted" word\r\nnext line\nand\rmore', ttftMs: 0.1 + 0.2, decodeTokensPerSec: 1 / 3 }),
  sample({ output: '', interTokenMs: [], ttftMs: null, prefillTokensPerSec: null, decodeTokensPerSec: null, stopReason: 'length' }),
  sample({ output: '  leading and trailing spaces  ', interTokenMs: [1e-7, 123456789.125, 0] }),
  sample({ output: 'émoji 🚀 and ünïcödé', promptId: 'who' }),
  sample({ output: 'only\ra bare CR' }),
  sample({ error: 'WebGPU device lost, "retry"', totalMs: null, ttftMs: null, stopReason: null, output: '' }),
];

function catchError(fn: () => unknown): BenchValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BenchValidationError) return error;
    throw error;
  }
  throw new Error('expected a BenchValidationError');
}

describe('RFC 4180 CSV text', () => {
  it('quotes only fields with a comma, quote, CR or LF, doubles quotes and ends records with CRLF', () => {
    expect(toCsvText([['a', 'b,c', 'say "hi"', 'x\ny', ''], ['1']])).toBe('a,"b,c","say ""hi""","x\ny",\r\n1\r\n');
    expect(toCsvText([['bare\rreturn', 'plain text']])).toBe('"bare\rreturn",plain text\r\n');
  });

  it('parses quoted fields, embedded line breaks, empty fields and a missing final line break', () => {
    expect(parseCsvText('a,"b,c","d""e"\r\n"x\r\ny",,\r\nlast')).toEqual([['a', 'b,c', 'd"e'], ['x\r\ny', '', ''], ['last']]);
    expect(parseCsvText('a,b\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsvText('')).toEqual([]);
    expect(parseCsvText('""')).toEqual([['']]);
  });

  it('rejects an unclosed quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsvText('a,b\r\n"open,field\r\n')).toThrow(/line 2.*never closed/);
    expect(() => parseCsvText('"a"b')).toThrow(CsvSyntaxError);
    expect(() => parseCsvText('ab"c')).toThrow(CsvSyntaxError);
  });
});

describe('samples as CSV', () => {
  it('writes a header and one row per sample, warm-up and failed included', () => {
    const csv = samplesToCsv(tricky);
    const rows = parseCsvText(csv);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(tricky.length + 1);
    const column = (name: string) => CSV_HEADER.indexOf(name);
    expect(rows[1]![column('warmup')]).toBe('true');
    expect(rows[3]![column('ttft_ms')]).toBe(''); // null is an empty cell
    expect(rows[4]![column('inter_token_ms')]).toBe('1e-7 123456789.125 0');
    expect(rows[7]![column('error')]).toBe('WebGPU device lost, "retry"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('reads back exactly the samples it wrote', () => {
    expect(parseSamplesCsv(samplesToCsv(tricky))).toEqual(tricky);
  });

  it('reads columns in any order, ignores extra columns, a BOM and blank lines', () => {
    const rows = parseCsvText(samplesToCsv(tricky.slice(0, 2)));
    const reversed = rows.map((r) => [...r].reverse().concat('extra'));
    const text = `\uFEFF${toCsvText(reversed)}\r\n`;
    expect(parseSamplesCsv(text)).toEqual(tricky.slice(0, 2));
  });

  it('names the row and column of every bad cell', () => {
    const rows = parseCsvText(samplesToCsv([sample(), sample()]));
    const col = (name: string) => CSV_HEADER.indexOf(name);
    rows[2]![col('ttft_ms')] = 'fast';
    rows[2]![col('backend')] = 'cuda';
    rows[1]![col('inter_token_ms')] = '10 x 30';
    const error = catchError(() => parseSamplesCsv(toCsvText(rows)));
    expect(error.issues).toHaveLength(3);
    expect(error.issues[0]).toMatch(/^row 1, inter_token_ms\[1\]: /);
    expect(error.issues.some((i) => i.startsWith('row 2, ttft_ms: '))).toBe(true);
    expect(error.issues.some((i) => i.startsWith('row 2, backend: '))).toBe(true);
  });

  it('names missing columns and rejects an empty file', () => {
    const text = samplesToCsv([sample()]).replace('decode_tok_s', 'decode');
    expect(catchError(() => parseSamplesCsv(text)).issues).toEqual(['header: missing column "decode_tok_s"']);
    expect(catchError(() => parseSamplesCsv('')).issues[0]).toMatch(/empty/);
  });
});

describe('run as JSON', () => {
  const original = run(tricky);

  it('round-trips the whole run', () => {
    const json = runToJson(original, new Date('2025-01-02T03:04:05.000Z'));
    const parsed = JSON.parse(json) as { format: string; version: number; exportedAt: string };
    expect(parsed.format).toBe(RUN_FORMAT);
    expect(parsed.exportedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(parseRunJson(json)).toEqual(original);
  });

  it('names the bad field, under `run.`', () => {
    const data = JSON.parse(runToJson(original)) as { run: { samples: Record<string, unknown>[]; environment: Record<string, unknown> } };
    data.run.samples[2]!.ttftMs = '12';
    delete data.run.environment.appVersion;
    const error = catchError(() => parseRunJson(JSON.stringify(data)));
    expect(error.issues.some((i) => i.startsWith('run.samples[2].ttftMs: '))).toBe(true);
    expect(error.issues.some((i) => i.startsWith('run.environment.appVersion: '))).toBe(true);
    expect(error.message).toContain('run.samples[2].ttftMs');
  });

  it('rejects another format, another version and text that is not JSON', () => {
    expect(catchError(() => parseRunJson(JSON.stringify({ format: 'x', version: 1, run: original }))).issues[0]).toMatch(/^format: /);
    expect(catchError(() => parseRunJson(JSON.stringify({ format: RUN_FORMAT, version: 2, run: original }))).issues[0]).toMatch(
      /^version: /,
    );
    expect(catchError(() => parseRunJson('{not json')).issues[0]).toMatch(/not valid JSON/);
  });
});

describe('run as Markdown', () => {
  const samples = [
    sample({ warmup: true, round: 0, ttftMs: 9999 }),
    sample({ ttftMs: 100, totalMs: 1000, decodeTokensPerSec: 40 }),
    sample({ ttftMs: 300, totalMs: 3000, decodeTokensPerSec: 60 }),
    sample({ ttftMs: 200, totalMs: 2000, decodeTokensPerSec: 50 }),
    sample({ error: 'boom' }),
    sample({ modelId: 'odd|name', backend: 'gateway', dtype: 'server', ttftMs: 50, totalMs: 500, decodeTokensPerSec: 100 }),
    sample({ modelId: 'odd|name', backend: 'wasm', ttftMs: 70, totalMs: 700, decodeTokensPerSec: 25 }),
  ];
  const failedTarget = {
    target: { modelId: 'gpt-oss-20b', backend: 'gateway' as const },
    status: 'failed' as const,
    message: 'the gateway does not know "gpt-oss-20b"',
    dtype: null,
    detail: '',
    files: [],
  };
  const md = runToMarkdown(run(samples, { targets: [...run([]).targets, failedTarget] }));
  const lines = md.split('\n');

  it('has the table header and one row per target with the UI formatting', () => {
    expect(lines).toContain(MARKDOWN_HEADER);
    // TTFT 100/200/300: p50 200, p95 290 (h = 1.9); total 1000/2000/3000: p95 2900 -> "2.90 s";
    // decode median 50; three samples, one failed; p95 flagged (3 < 20).
    expect(lines).toContain(
      `|pocket-chat-1m|wasm · q4|200 ms|290 ms ${FEW_SAMPLES_MARK}|50 tok/s|2.90 s ${FEW_SAMPLES_MARK}|3 (+1 failed)|`,
    );
    expect(lines).toContain(`|odd\\|name|gateway · server|50 ms|50 ms ${FEW_SAMPLES_MARK}|100 tok/s|500 ms ${FEW_SAMPLES_MARK}|1|`);
    expect(md).toContain('R-7');
  });

  it('explains the flag, lists failed targets and compares browser with native', () => {
    expect(md).toMatch(new RegExp(`^${FEW_SAMPLES_MARK} fewer than 20 samples`, 'm'));
    expect(md).toContain('- gpt-oss-20b on gateway: failed — the gateway does not know "gpt-oss-20b"');
    expect(md).toContain('- odd\\|name: browser (WASM q4) at 25% of native'); // 25 / 100
  });

  it('has no flag note when every p95 has enough samples', () => {
    const many = Array.from({ length: 20 }, (_, i) => sample({ ttftMs: i, totalMs: 10 * i }));
    const text = runToMarkdown(run(many));
    expect(text).not.toContain(FEW_SAMPLES_MARK);
    expect(text).toContain('|20|');
  });
});

describe('a model in the browser and the same model on the gateway', () => {
  // The catalog's browser entry, that entry sent to the gateway (its alias), and the gateway's own
  // entry: one model name ("Qwen2.5 0.5B Instruct") for all three.
  const samples = [
    sample({ modelId: 'qwen2.5-0.5b-instruct', backend: 'wasm', dtype: 'q4', ttftMs: 100 }),
    sample({ modelId: 'qwen2.5-0.5b-instruct', backend: 'gateway', dtype: 'server', ttftMs: 20 }),
    sample({ modelId: 'qwen2.5-0.5b', backend: 'gateway', dtype: 'server', ttftMs: 30 }),
  ];

  it('names each target by catalog id and backend in every export, one row each', () => {
    const rows = runToMarkdown(run(samples))
      .split('\n')
      .filter((l) => /^\|qwen/.test(l))
      .map((l) => l.split('|').slice(1, 4).join('|'));
    expect(rows.sort()).toEqual([
      'qwen2.5-0.5b-instruct|gateway · server|20 ms',
      'qwen2.5-0.5b-instruct|wasm · q4|100 ms',
      'qwen2.5-0.5b|gateway · server|30 ms',
    ]);
    const csv = parseCsvText(samplesToCsv(samples)).slice(1);
    expect(new Set(csv.map((r) => `${r[0]}|${r[1]}`)).size).toBe(3);
    expect(parseRunJson(runToJson(run(samples))).samples.map((s) => `${s.modelId}|${s.backend}`)).toEqual([
      'qwen2.5-0.5b-instruct|wasm',
      'qwen2.5-0.5b-instruct|gateway',
      'qwen2.5-0.5b|gateway',
    ]);
  });
});
