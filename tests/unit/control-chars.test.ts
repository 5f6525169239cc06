/** Invisible characters in model output become visible instead of acting. */
import { describe, expect, it } from 'vitest';
import { neutralizeControls } from '../../src/render/control-chars';

describe('neutralizeControls', () => {
  it('shows terminal escapes and other controls as control pictures', () => {
    expect(neutralizeControls('\u001b[31mred\u001b[0m')).toBe('\u241b[31mred\u241b[0m');
    expect(neutralizeControls('a\u0000b\u0007c\u007f')).toBe('a\u2400b\u2407c\u2421');
    expect(neutralizeControls('C1\u0085here')).toBe('C1\\u{85}here');
  });

  it('keeps tabs, line breaks and ordinary text, emoji and right-to-left scripts', () => {
    const text = 'tab\there\nnext\r\nline · émoji 🚀 · שלום · مرحبا';
    expect(neutralizeControls(text)).toBe(text);
  });

  it('shows bidirectional overrides and isolates instead of reordering the text', () => {
    expect(neutralizeControls('access\u202E level: user \u2066admin\u2069')).toBe('access\\u{202e} level: user \\u{2066}admin\\u{2069}');
  });
});
