/** RFC 4180 CSV of a shown table (for tables no /export route answers): CRLF lines, fields quoted when needed. */
export function toCsv(columns, rows) {
  const cell = (value) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.label)), ...rows.map((row) => columns.map((c) => cell(c.value(row))))];
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
}
