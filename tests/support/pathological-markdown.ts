/**
 * Model output that breaks Markdown renderers (see the field notes): deep nesting, emphasis
 * floods, a huge table, thousands of links, one character looped, and HTML with handlers that
 * fire on parse. Used by the e2e test of streaming it (tests/e2e/pathological-output.test.ts)
 * and by the rendering benchmark (tools/bench/render-bench.ts).
 */

export const PATHOLOGICAL_LINKS = 20_000;
export const PATHOLOGICAL_TABLE_ROWS = 4_000;
/** The last words of the answer. */
export const PATHOLOGICAL_END = 'END OF ANSWER';

/** The sections, in order; about 1 MB together. */
export const PATHOLOGICAL_SECTIONS: readonly string[] = [
  `${'>'.repeat(3_000)} bottom of the quotes\n\n`,
  `${'- '.repeat(3_000)}bottom of the list\n\n`,
  `${'**'.repeat(3_000)}deepest-bold${'**'.repeat(3_000)}\n\n`,
  `${'*a'.repeat(100_000)}\n\n`,
  `${'_b'.repeat(50_000)}\n\n`,
  `| row | value |\n|---|---|\n${Array.from({ length: PATHOLOGICAL_TABLE_ROWS }, (_, i) => `| row ${i} | ${'*x*'.repeat(5)} |`).join('\n')}\n\n`,
  `${Array.from({ length: PATHOLOGICAL_LINKS }, (_, i) => `[link ${i}](https://example.org/${i})`).join(' ')}\n\n`,
  `${'a'.repeat(60_000)}\n\n`,
  '<details open ontoggle="window.__pwned=\'details\'"><summary>more</summary>hidden</details>\n\n',
  '<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned=\'img\'">\n\n',
  `[click](javascript:window.__pwned="link") and the end: ${PATHOLOGICAL_END}`,
];

export const PATHOLOGICAL_ANSWER = PATHOLOGICAL_SECTIONS.join('');

/** A long, ordinary answer: headings, prose, emphasis, lists, code and tables, `chars` long. */
export function typicalAnswer(chars: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const part = [
      `## Part ${i + 1}: how the moon moves\n\n`,
      `The Moon orbits the Earth every **27.3 days** (a *sidereal month*), while the phases repeat every 29.5 days. ` +
        `Its distance varies between 363,300 km and 405,500 km, see [the NASA fact sheet](https://nssdc.gsfc.nasa.gov/planetary/factsheet/moonfact.html) ` +
        `and \`orbit.py\` below.\n\n`,
      `1. New moon: the Moon is between the Earth and the Sun.\n2. First quarter: half of it is lit.\n3. Full moon: the Earth is between.\n\n`,
      '```python\ndef phase(day: float) -> str:\n    """Name of the phase on a given day of the cycle."""\n    names = ["new", "first quarter", "full", "last quarter"]\n    return names[int(day / 29.53 * 4) % 4]\n```\n\n',
      `| quantity | value |\n|---|---:|\n| radius | 1,737 km |\n| mass | 7.35e22 kg |\n| gravity | 1.62 m/s² |\n\n`,
      `> Tides follow the Moon: two high tides a day, about 50 minutes later each day.\n\n`,
    ].join('');
    parts.push(part);
    length += part.length;
  }
  return parts.join('').slice(0, chars);
}
