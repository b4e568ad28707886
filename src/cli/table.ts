// Plain-text tables for terminal output.

export type Alignment = 'left' | 'right';

/**
 * Formats rows under a header row, each column as wide as its widest cell and separated by two
 * spaces. Columns are left-aligned unless `alignments` sets 'right'.
 */
export function formatTable(header: string[], rows: string[][], alignments: Alignment[] = []): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));

  const formatRow = (row: string[]) =>
    widths
      .map((width, column) => {
        const cell = row[column] ?? '';
        return alignments[column] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [formatRow(header), rule, ...rows.map(formatRow)].join('\n');
}
