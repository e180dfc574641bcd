/**
 * CSV (RFC 4180) both ways, pure: the loyalty import reads merchants' files from other apps (quoted
 * fields, embedded newlines, a UTF-8 BOM, CRLF from spreadsheets), and the ledger export writes
 * cells a spreadsheet cannot turn into formulas.
 */

export interface CsvRecord {
  /** The physical line (1-based) where the record starts: what an error message names. */
  line: number;
  cells: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

export function parseCsv(text: string): CsvParse {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endCell = () => {
    cells.push(cell);
    cell = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    // A blank line is no record (spreadsheets leave them at the end).
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: start, cells });
    cells = [];
  };
  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        wasQuoted = true;
        i++;
        continue;
      }
      if (ch === "\n") line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== "" || wasQuoted) return { ok: false, line, message: "A quote (\") inside an unquoted field: quote the whole field and double the quote" };
      quoted = true;
      i++;
      continue;
    }
    if (ch === ",") {
      endCell();
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && src[i + 1] === "\n" ? 2 : 1;
      line++;
      start = line;
      continue;
    }
    if (wasQuoted) return { ok: false, line, message: "Text after a closing quote: a quoted field must end at a comma or the end of the line" };
    cell += ch;
    i++;
  }
  if (quoted) return { ok: false, line: start, message: "A quoted field is never closed" };
  if (cell !== "" || cells.length || wasQuoted) endRecord();
  return { ok: true, records };
}

/**
 * One cell: numbers as they are; text always quoted (ids stay text, never reformatted as numbers
 * by a careful reader), with a leading =, +, -, @, tab or CR neutralised by a quote mark so that a
 * reason typed by a shopper or staff member cannot run as a spreadsheet formula (OWASP CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value == null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
