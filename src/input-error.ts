/**
 * A problem with user input: a file, a field, a value and what to do about it. The CLI prints
 * `message` as one line and exits with status 2; every other error is a bug.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly value: unknown,
    readonly hint: string,
  ) {
    super(`${file}: ${field}${value === undefined ? '' : ` = ${formatValue(value)}`}: ${hint}`);
    this.name = 'InputError';
  }
}

function formatValue(value: unknown): string {
  // JSON writes Infinity and NaN as null, which is not the value in the file.
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
