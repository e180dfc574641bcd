import { describe, expect, it } from "vitest";
import { csvCell, csvRow, parseCsv } from "./csv";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and newlines, CRLF and a BOM, numbering records by their first line", () => {
    const r = parseCsv('\ufeffid,note\r\n1,"a, ""b"""\r\n2,"two\nlines"\n\n3,\n');
    expect(r).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ["id", "note"] },
        { line: 2, cells: ["1", 'a, "b"'] },
        { line: 3, cells: ["2", "two\nlines"] },
        { line: 6, cells: ["3", ""] },
      ],
    });
  });

  it("refuses a quote inside an unquoted field, text after a closing quote and an unclosed quote, naming the line", () => {
    expect(parseCsv('a\nb"c,1')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\n"b"c,1')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\n1\n"open,2\n3')).toMatchObject({ ok: false, line: 3, message: expect.stringMatching(/never closed/) });
  });

  it("round-trips what csvRow writes", () => {
    const cells = ["7123456789012345678", 'say "hi", then\nleave', "", "plain"];
    const r = parseCsv(csvRow(cells) + csvRow(["x"]));
    expect(r.ok && r.records.map((x) => x.cells)).toEqual([cells, ["x"]]);
  });
});

describe("csvCell", () => {
  it("quotes text (ids stay text), leaves numbers bare and null empty", () => {
    expect(csvCell("9007199254740993")).toBe('"9007199254740993"');
    expect(csvCell(-40)).toBe("-40");
    expect(csvCell(null)).toBe("");
  });

  it("neutralises text a spreadsheet would run as a formula", () => {
    for (const f of ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx"]) expect(csvCell(f).startsWith(`"'`)).toBe(true);
    expect(csvCell("goodwill")).toBe('"goodwill"');
  });
});
