/**
 * RFC 4180 CSV: records end with CRLF; a field containing a comma, a double quote, CR or LF is
 * enclosed in double quotes, and a double quote inside it is doubled. The parser also accepts
 * bare LF line ends (files re-saved by an editor) and a missing final line break.
 */

/** One field, quoted only when RFC 4180 requires it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows of fields -> CSV text, every record terminated by CRLF. */
export function toCsvText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** Thrown for text that is not well-formed CSV; says where. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

/** CSV text -> rows of fields. Line breaks inside quoted fields are kept as written. */
export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  // A field that was quoted is complete at its closing quote; only a separator may follow.
  let quotedDone = false;
  const endField = (): void => {
    row.push(field);
    field = '';
    quotedDone = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quotedDone) {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(`CSV line ${start}: a quoted field is never closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      quotedDone = true;
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endField();
      rows.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else if (quotedDone || c === '"') {
      throw new CsvSyntaxError(`CSV line ${line}: a double quote may only enclose a whole field`);
    } else {
      field += c;
      i++;
    }
  }
  // The last record may lack its line break; an empty input has no records at all.
  if (field !== '' || quotedDone || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}
