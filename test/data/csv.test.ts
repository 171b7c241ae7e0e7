import { describe, expect, it } from "vitest";
import { csvToNumbers, parseCsv } from "../../src/data/csv.js";

describe("parseCsv", () => {
  it("parses a simple file with a header", () => {
    expect(parseCsv("a,b,c\n1,2,3\n4,5,6\n")).toEqual({
      columns: ["a", "b", "c"],
      rows: [
        ["1", "2", "3"],
        ["4", "5", "6"],
      ],
    });
  });

  it("handles no trailing newline, CRLF and lone CR", () => {
    expect(parseCsv("a,b\r\n1,2\r\n3,4").rows).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
    expect(parseCsv("a,b\r1,2\r").rows).toEqual([["1", "2"]]);
  });

  it("handles quoted fields with delimiters, newlines and escaped quotes", () => {
    const text = 'id,text\r\n1,"hello, world"\r\n2,"line1\r\nline2\nline3"\r\n3,"say ""hi"""\r\n4,""\r\n';
    expect(parseCsv(text).rows).toEqual([
      ["1", "hello, world"],
      ["2", "line1\r\nline2\nline3"],
      ["3", 'say "hi"'],
      ["4", ""],
    ]);
  });

  it("keeps quotes in the middle of an unquoted field literally and does not trim", () => {
    expect(parseCsv('a,b\n 5 ,x"y\n').rows).toEqual([[" 5 ", 'x"y']]);
  });

  it("handles empty fields and a trailing delimiter", () => {
    expect(parseCsv("a,b,c\n,,\n1,,").rows).toEqual([
      ["", "", ""],
      ["1", "", ""],
    ]);
  });

  it("supports header: false with numeric column names", () => {
    expect(parseCsv("1,2\n3,4\n", { header: false })).toEqual({
      columns: ["0", "1"],
      rows: [
        ["1", "2"],
        ["3", "4"],
      ],
    });
  });

  it("supports other delimiters", () => {
    expect(parseCsv('a;b\n1;"x;y"\n', { delimiter: ";" }).rows).toEqual([["1", "x;y"]]);
    expect(parseCsv("a\tb\n1\t2", { delimiter: "\t" }).rows).toEqual([["1", "2"]]);
  });

  it("skips empty lines by default, keeps them when asked", () => {
    expect(parseCsv("a\n\n1\n  \n2\n\n").rows).toEqual([["1"], ["2"]]);
    expect(parseCsv("a\n\n1\n", { skipEmpty: false }).rows).toEqual([[""], ["1"]]);
    expect(parseCsv('a\n""\n1\n').rows).toEqual([[""], ["1"]]);
  });

  it("strips a byte-order mark", () => {
    expect(parseCsv("\ufeffa,b\n1,2").columns).toEqual(["a", "b"]);
  });

  it("returns empty results for empty input", () => {
    expect(parseCsv("")).toEqual({ columns: [], rows: [] });
    expect(parseCsv("\n\n")).toEqual({ columns: [], rows: [] });
    expect(parseCsv("a,b\n")).toEqual({ columns: ["a", "b"], rows: [] });
  });

  it("errors on ragged rows naming the line", () => {
    expect(() => parseCsv('a,b\n1,2\n"x\ny",2,3\n')).toThrow(/line 3 has 3 field\(s\), expected 2/);
    expect(() => parseCsv("1,2\n3\n", { header: false })).toThrow(
      /line 2 has 1 field\(s\), expected 2 \(from the first line\)/,
    );
  });

  it("errors on an unterminated quote naming the line", () => {
    expect(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n')).toThrow(
      /unterminated quoted field starting on line 3/,
    );
  });

  it("errors on text after a closing quote", () => {
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/line 2: unexpected character "y" after a closing quote/);
  });

  it("rejects bad delimiters", () => {
    expect(() => parseCsv("a", { delimiter: ",," })).toThrow(/delimiter/);
    expect(() => parseCsv("a", { delimiter: '"' })).toThrow(/delimiter/);
  });
});

describe("csvToNumbers", () => {
  it("converts all columns row-major", () => {
    const m = csvToNumbers(parseCsv("x,y\n1,2\n-3.5,4e2\n.5, 6 \n"));
    expect(m.columns).toEqual(["x", "y"]);
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(2);
    expect(m.data).toBeInstanceOf(Float64Array);
    expect(Array.from(m.data)).toEqual([1, 2, -3.5, 400, 0.5, 6]);
  });

  it("selects and reorders columns", () => {
    const m = csvToNumbers(parseCsv("x,name,y\n1,a,2\n3,b,4\n"), { columns: ["y", "x"] });
    expect(m.columns).toEqual(["y", "x"]);
    expect(Array.from(m.data)).toEqual([2, 1, 4, 3]);
  });

  it("accepts text directly and NaN/Inf spellings", () => {
    const m = csvToNumbers("a,b,c\nNaN,inf,-Infinity\n");
    expect(m.data[0]).toBeNaN();
    expect(m.data[1]).toBe(Infinity);
    expect(m.data[2]).toBe(-Infinity);
  });

  it("errors naming row, column and text for a non-number", () => {
    const csv = parseCsv("x,y\n1,2\n3,abc\n");
    expect(() => csvToNumbers(csv)).toThrow(
      'csvToNumbers: row 2 (line 3), column "y" (index 1): "abc" is not a number',
    );
  });

  it("rejects empty cells, hex and prototype names", () => {
    expect(() => csvToNumbers('x\n1\n""\n')).toThrow(
      /row 2 \(line 3\), column "x" \(index 0\): "" is not a number/,
    );
    expect(() => csvToNumbers("x\n0x10\n")).toThrow(/"0x10" is not a number/);
    expect(() => csvToNumbers("x\nconstructor\n")).toThrow(/"constructor" is not a number/);
  });

  it("rejects a number too large for float64 instead of making it Infinity", () => {
    expect(() => csvToNumbers("x\n1\n1e400\n")).toThrow(
      'csvToNumbers: row 2 (line 3), column "x" (index 0): "1e400" is too large (it would become Infinity)',
    );
    expect(() => csvToNumbers("x\n -1e400\n")).toThrow(
      /" -1e400" is too large \(it would become -Infinity\)/,
    );
    expect(Array.from(csvToNumbers("x\n1e308\ninf\n").data)).toEqual([1e308, Infinity]);
  });

  it("gives the file's line beside the row when blank lines or quoted line breaks shift it", () => {
    expect(() => csvToNumbers('x,y\n1,"a\nb"\n')).toThrow(/row 1 \(line 2\), column "y"/);
    expect(() => csvToNumbers("x\n1\n\n\nabc\n")).toThrow(/row 2 \(line 5\), column "x"/);
  });

  it("errors on an unknown column", () => {
    expect(() => csvToNumbers(parseCsv("x,y\n1,2\n"), { columns: ["z"] })).toThrow(
      /no column named "z"; the columns are \["x","y"\]/,
    );
  });
});
