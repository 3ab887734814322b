import { expect, test } from "vitest";
import { toCsv } from "./csv";

test("CSV quotes what needs quoting, keeps numbers, and defuses spreadsheet formulas", () => {
  expect(
    toCsv(
      ["name", "runs"],
      [
        ["Acme, Inc.", 3],
        ['say "hi"', -2],
        ["=HYPERLINK(1)", null],
        ["-5", 0],
      ],
    ),
  ).toBe('name,runs\r\n"Acme, Inc.",3\r\n"say ""hi""",-2\r\n\'=HYPERLINK(1),\r\n-5,0\r\n');
});
