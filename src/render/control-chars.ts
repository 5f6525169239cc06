/**
 * Characters in model output that are invisible but not harmless: terminal escapes (ANSI colour
 * codes), other C0/C1 controls, and bidirectional overrides that can make text read backwards
 * (the "Trojan Source" trick). They are shown as visible symbols instead of being interpreted.
 */

/** C0 and C1 controls except tab, line feed and carriage return; DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Embeddings, overrides and isolates (LRE…RLO, LRI…PDI). Plain LRM/RLM marks are harmless. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

function controlPicture(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀ … ␟ (ESC shows as ␛)
  if (code === 0x7f) return '\u2421'; // ␡
  return `\\u{${code.toString(16)}}`;
}

export function neutralizeControls(text: string): string {
  return text.replace(CONTROLS, controlPicture).replace(BIDI, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
