// CSV text (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.

export type CsvCell = string | number | boolean | null | undefined;

function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\n`;
}
