/**
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted (quotes doubled), lines
 * end with CRLF. A text field that a spreadsheet would run as a formula (it starts with
 * =, +, - or @ and is not a number) gets a leading apostrophe.
 */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

function field(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
