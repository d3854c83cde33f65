// CSV for spreadsheets: RFC 4180 fields, CRLF line ends, and a byte order mark first — Excel opens
// a CSV as UTF-8 only when it starts with one; without it Vietnamese is mojibake.
export const BOM = '\uFEFF';

/** RFC 4180: a field with a comma, quote or line break is quoted, and quotes inside are doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (CRLF-terminated). */
export const csvLine = (fields: string[]): string => `${fields.map(csvField).join(',')}\r\n`;
