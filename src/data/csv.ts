/**
 * A small RFC 4180 CSV parser and a converter from parsed CSV to a dense numeric matrix.
 *
 * Pure (no Node APIs); works in the browser.
 */

import { ValueError } from "../base/errors.js";

/**
 * Options for {@link parseCsv}.
 * @example
 * const options: ParseCsvOptions = { header: false, delimiter: "\t", skipEmpty: true };
 * data.parseCsv("1\t2\n\n3\t4\n", options).rows; // [["1", "2"], ["3", "4"]]
 */
export interface ParseCsvOptions {
  /** Whether the first record holds the column names (default `true`). Without a header the columns are named `"0"`, `"1"`, … */
  header?: boolean;
  /** Field separator, a single character other than `"`, CR or LF (default `","`). */
  delimiter?: string;
  /** Skip lines that are empty or only whitespace (default `true`). A quoted empty field `""` is never skipped. */
  skipEmpty?: boolean;
}

/**
 * A parsed CSV: column names and the data rows (all fields as strings, header excluded).
 * @example
 * const csv: Csv = data.parseCsv("a,b\n1,x\n");
 * csv.rows[0][1]; // "x"
 */
export interface Csv {
  columns: string[];
  rows: string[][];
}

/**
 * The line (1-based) on which each row of a `parseCsv` result starts, for error messages; kept aside,
 * keyed by the rows array, so that `Csv` stays plain columns and rows.
 */
const rowLines = new WeakMap<string[][], number[]>();

/**
 * A dense row-major numeric matrix made from a CSV by {@link csvToNumbers}.
 * @example
 * const m: NumericCsv = data.csvToNumbers(data.parseCsv("a,b\n1,2\n3,4\n"));
 * m.data[m.cols * 1 + 0]; // 3: row 1, column 0
 */
export interface NumericCsv {
  columns: string[];
  /** `rows * cols` values, row-major. */
  data: Float64Array;
  rows: number;
  cols: number;
}

interface RawRecord {
  fields: string[];
  line: number;
  /** true when the record is one unquoted field of only whitespace (an "empty line"). */
  blank: boolean;
}

function tokenize(text: string, delim: string): RawRecord[] {
  const records: RawRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // skip a byte-order mark
  let line = 1;
  if (i >= n) return records;
  for (;;) {
    // Start of a record.
    const recLine = line;
    const fields: string[] = [];
    let anyQuoted = false;
    let endOfInput = false;
    for (;;) {
      // Start of a field.
      let value: string;
      if (text[i] === '"') {
        anyQuoted = true;
        const quoteLine = line;
        i++;
        let buf = "";
        let segStart = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw new ValueError(
              `parseCsv: unterminated quoted field starting on line ${quoteLine} (a '"' opens a field that never closes)`,
            );
          }
          for (let k = i; k < q; k++) {
            const c = text.charCodeAt(k);
            if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) line++;
          }
          if (text[q + 1] === '"') {
            buf += `${text.slice(segStart, q)}"`;
            i = q + 2;
            segStart = i;
            continue;
          }
          buf += text.slice(segStart, q);
          i = q + 1;
          break;
        }
        value = buf;
        const c = text[i];
        if (i < n && c !== delim && c !== "\n" && c !== "\r") {
          throw new ValueError(
            `parseCsv: line ${line}: unexpected character ${JSON.stringify(c)} after a closing quote ` +
              `(inside a quoted field, write a quote as "")`,
          );
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text[i];
          if (c === delim || c === "\n" || c === "\r") break;
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      if (i >= n) {
        endOfInput = true;
        break;
      }
      const c = text[i];
      if (c === delim) {
        i++;
        if (i >= n) {
          // Trailing delimiter at end of input: one more empty field.
          fields.push("");
          endOfInput = true;
          break;
        }
        continue;
      }
      // Line break: \r\n, \n or a lone \r.
      if (c === "\r" && text[i + 1] === "\n") i += 2;
      else i++;
      line++;
      if (i >= n) endOfInput = true;
      break;
    }
    const blank = !anyQuoted && fields.length === 1 && fields[0].trim() === "";
    records.push({ fields, line: recLine, blank });
    if (endOfInput) return records;
  }
}

/**
 * Parses CSV text (RFC 4180): quoted fields may contain the delimiter, line breaks and doubled quotes
 * (`""`); records end with CRLF, LF or CR; a leading byte-order mark is ignored. Fields are not trimmed.
 *
 * Every record must have as many fields as the header (or, without a header, as the first record);
 * otherwise a `ValueError` names the line. A trailing line break does not add an empty record.
 *
 * @example
 * ```ts
 * const csv = parseCsv('name,comment\nann,"hi, ""you"""\n');
 * csv.columns; // ["name", "comment"]
 * csv.rows; // [["ann", 'hi, "you"']]
 * parseCsv("1;2\n3;4", { header: false, delimiter: ";" }).columns; // ["0", "1"]
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Csv {
  const header = options.header ?? true;
  const delimiter = options.delimiter ?? ",";
  const skipEmpty = options.skipEmpty ?? true;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ValueError(
      `parseCsv: delimiter must be a single character other than '"', CR or LF, got ${JSON.stringify(delimiter)}`,
    );
  }
  let records = tokenize(text, delimiter);
  if (skipEmpty) records = records.filter((r) => !r.blank);
  if (records.length === 0) return { columns: [], rows: [] };

  let columns: string[];
  let body: RawRecord[];
  if (header) {
    columns = records[0].fields;
    body = records.slice(1);
  } else {
    columns = records[0].fields.map((_, j) => String(j));
    body = records;
  }
  const width = columns.length;
  const rows: string[][] = new Array(body.length);
  const lines: number[] = new Array(body.length);
  for (let r = 0; r < body.length; r++) {
    const rec = body[r];
    if (rec.fields.length !== width) {
      throw new ValueError(
        `parseCsv: line ${rec.line} has ${rec.fields.length} field(s), expected ${width} ` +
          `(${header ? "from the header" : "from the first line"})`,
      );
    }
    rows[r] = rec.fields;
    lines[r] = rec.line;
  }
  rowLines.set(rows, lines);
  return { columns, rows };
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = new Map<string, number>([
  ["nan", NaN],
  ["+nan", NaN],
  ["-nan", NaN],
  ["inf", Infinity],
  ["+inf", Infinity],
  ["-inf", -Infinity],
  ["infinity", Infinity],
  ["+infinity", Infinity],
  ["-infinity", -Infinity],
]);

/** The number in `s`, undefined when it is not one, or "overflow" when its digits exceed float64. */
function parseNumber(s: string): number | undefined | "overflow" {
  const t = s.trim();
  if (NUMBER_RE.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? v : "overflow";
  }
  return SPECIAL.get(t.toLowerCase());
}

/**
 * Where a data row is, for error messages: `row 3 (line 4)`; the row counts data rows from 1 (header not
 * counted), the line is the file's, which differs with a header, skipped blank lines or quoted line breaks.
 * @example
 * csvRowName(parseCsv("a\n1\n\n2\n"), 1); // "row 2 (line 4)"
 */
export function csvRowName(csv: Csv, r: number): string {
  const line = rowLines.get(csv.rows)?.[r];
  return line === undefined ? `row ${r + 1}` : `row ${r + 1} (line ${line})`;
}

/**
 * Converts a parsed CSV (or CSV text, parsed with default options) into a dense row-major `Float64Array`.
 *
 * Cells may be decimal numbers with optional sign, fraction and exponent, surrounded by whitespace, or
 * `NaN` / `Inf` / `Infinity` (any case, optional sign). Anything else — including an empty cell, hex
 * (`0x10`), thousands separators, or a number too large for float64 such as `1e400` (which would
 * silently become Infinity) — throws a `ValueError` naming the data row (1-based, header not counted)
 * and its line, the column and the offending text.
 *
 * @param options.columns which columns to keep, by name, in the output order (default: all).
 *
 * @example
 * ```ts
 * const m = csvToNumbers(parseCsv("x,y,label\n1,2,0\n3,4,1\n"), { columns: ["x", "y"] });
 * m.rows; // 2
 * m.cols; // 2
 * m.data; // Float64Array [1, 2, 3, 4]
 * ```
 */
export function csvToNumbers(csv: Csv | string, options: { columns?: string[] } = {}): NumericCsv {
  const parsed = typeof csv === "string" ? parseCsv(csv) : csv;
  const names = options.columns ?? parsed.columns;
  const indices = names.map((name) => {
    const j = parsed.columns.indexOf(name);
    if (j < 0) {
      throw new ValueError(
        `csvToNumbers: no column named ${JSON.stringify(name)}; the columns are ${JSON.stringify(parsed.columns)}`,
      );
    }
    return j;
  });
  const rows = parsed.rows.length;
  const cols = indices.length;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = parsed.rows[r];
    for (let c = 0; c < cols; c++) {
      const j = indices[c];
      const cell = row[j];
      const v = cell === undefined ? undefined : parseNumber(cell);
      if (v === undefined || v === "overflow") {
        const what =
          cell === undefined
            ? "missing cell"
            : v === "overflow"
              ? `${JSON.stringify(cell)} is too large (it would become ${cell.trim().startsWith("-") ? "-" : ""}Infinity)`
              : `${JSON.stringify(cell)} is not a number`;
        throw new ValueError(
          `csvToNumbers: ${csvRowName(parsed, r)}, column ${JSON.stringify(parsed.columns[j])} (index ${j}): ${what}`,
        );
      }
      data[r * cols + c] = v;
    }
  }
  return { columns: names.slice(), data, rows, cols };
}
