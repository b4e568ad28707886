// CSV text (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.

export type CsvCell = string | number | boolean | null | undefined;

/**
 * Significant digits of a fractional number in CSV. A double carries 15 to 17, and 12 drops the
 * binary rounding noise of sums and products (10184792.064000001 becomes 10184792.064).
 */
const CSV_SIGNIFICANT_DIGITS = 12;

/** Writes integers exactly and other numbers with at most CSV_SIGNIFICANT_DIGITS digits. */
function csvNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(CSV_SIGNIFICANT_DIGITS)));
}

function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? csvNumber(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\n`;
}
