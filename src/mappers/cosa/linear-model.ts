// A small builder for mixed-integer linear programs: named columns with bounds, integrality and
// cost, and named rows `lower ≤ Σ coefficient·column ≤ upper`. It hands HiGHS sparse arrays
// directly (no text to parse) and can print CPLEX LP text for inspection.

export type VariableType = 'continuous' | 'integer' | 'binary';

export interface Variable {
  name: string;
  lower: number;
  upper: number;
  type: VariableType;
  cost: number;
}

export interface Row {
  name: string;
  lower: number;
  upper: number;
  /** Coefficient per column index; one entry per column. */
  terms: Map<number, number>;
}

/** A linear expression as (column, coefficient) pairs; repeated columns are summed. */
export type Terms = ReadonlyArray<readonly [number, number]>;

/** Coefficients this small are dropped: HiGHS removes entries ≤ 1e-9 anyway (small_matrix_value). */
const MIN_COEFFICIENT = 1e-12;

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export class LinearModel {
  readonly variables: Variable[] = [];
  readonly rows: Row[] = [];
  /** Constant added to the objective. */
  objectiveOffset = 0;
  private readonly names = new Set<string>();

  /** Adds a column and returns its index. Binary columns get bounds [0, 1]. */
  addVariable(name: string, type: VariableType, lower = 0, upper = type === 'binary' ? 1 : Infinity): number {
    this.claimName(name);
    if (type === 'binary') {
      lower = Math.max(lower, 0);
      upper = Math.min(upper, 1);
    }
    if (!(lower <= upper)) throw new Error(`variable ${name}: lower bound ${lower} exceeds upper bound ${upper}`);
    this.variables.push({ name, lower, upper, type, cost: 0 });
    return this.variables.length - 1;
  }

  addCost(column: number, cost: number): void {
    this.variables[column].cost += cost;
  }

  /** Adds the row `lower ≤ terms ≤ upper` and returns its index. */
  addRow(name: string, terms: Terms, lower: number, upper: number): number {
    this.claimName(name);
    if (!(lower <= upper)) throw new Error(`row ${name}: lower bound ${lower} exceeds upper bound ${upper}`);

    const merged = new Map<number, number>();
    for (const [column, coefficient] of terms) {
      if (!Number.isFinite(coefficient)) throw new Error(`row ${name}: coefficient ${coefficient} of ${this.variables[column]?.name} is not finite`);
      if (column < 0 || column >= this.variables.length) throw new Error(`row ${name}: column ${column} does not exist`);
      merged.set(column, (merged.get(column) ?? 0) + coefficient);
    }
    for (const [column, coefficient] of merged) {
      if (Math.abs(coefficient) < MIN_COEFFICIENT) merged.delete(column);
    }

    this.rows.push({ name, lower, upper, terms: merged });
    return this.rows.length - 1;
  }

  addLessEqual(name: string, terms: Terms, upper: number): number {
    return this.addRow(name, terms, -Infinity, upper);
  }

  addGreaterEqual(name: string, terms: Terms, lower: number): number {
    return this.addRow(name, terms, lower, Infinity);
  }

  addEqual(name: string, terms: Terms, value: number): number {
    return this.addRow(name, terms, value, value);
  }

  /** Returns the model as compressed sparse rows, in the shape of the `highs` package's ModelData. */
  toSparse(): SparseModel {
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const row of this.rows) {
      const columns = [...row.terms.keys()].sort((a, b) => a - b);
      for (const column of columns) {
        indices.push(column);
        values.push(row.terms.get(column)!);
      }
      starts.push(indices.length);
    }

    return {
      numCols: this.variables.length,
      numRows: this.rows.length,
      offset: this.objectiveOffset,
      colCost: this.variables.map((variable) => variable.cost),
      colLower: this.variables.map((variable) => variable.lower),
      colUpper: this.variables.map((variable) => variable.upper),
      rowLower: this.rows.map((row) => row.lower),
      rowUpper: this.rows.map((row) => row.upper),
      integrality: this.variables.map((variable) => (variable.type === 'continuous' ? 0 : 1)),
      matrix: { format: 'csr', numRows: this.rows.length, numCols: this.variables.length, starts, indices, values },
      colNames: this.variables.map((variable) => variable.name),
      rowNames: this.rows.map((row) => row.name),
    };
  }

  /**
   * CPLEX LP text of the model (minimization). A row with two finite, different bounds becomes
   * two rows named `<name>.lo` and `<name>.hi`, since the LP format has no ranged rows. The
   * objective offset is left out.
   */
  toLpText(): string {
    const lines: string[] = ['Minimize'];
    const costTerms = this.variables.flatMap((variable, column) => (variable.cost === 0 ? [] : [[column, variable.cost] as const]));
    lines.push(...wrapExpression(' obj:', costTerms.length > 0 ? costTerms : [[0, 0]], this.variables));

    lines.push('Subject To');
    for (const row of this.rows) {
      const terms = [...row.terms.entries()];
      const expression = terms.length > 0 ? terms : [[0, 0] as const];
      if (row.lower === row.upper) {
        lines.push(...wrapExpression(` ${row.name}:`, expression, this.variables, `= ${formatNumber(row.upper)}`));
        continue;
      }
      const bothBounds = Number.isFinite(row.lower) && Number.isFinite(row.upper);
      if (Number.isFinite(row.lower)) {
        lines.push(...wrapExpression(` ${row.name}${bothBounds ? '.lo' : ''}:`, expression, this.variables, `>= ${formatNumber(row.lower)}`));
      }
      if (Number.isFinite(row.upper)) {
        lines.push(...wrapExpression(` ${row.name}${bothBounds ? '.hi' : ''}:`, expression, this.variables, `<= ${formatNumber(row.upper)}`));
      }
    }

    lines.push('Bounds');
    for (const variable of this.variables) {
      if (variable.type === 'binary') continue;
      const lower = Number.isFinite(variable.lower) ? formatNumber(variable.lower) : '-inf';
      const upper = Number.isFinite(variable.upper) ? formatNumber(variable.upper) : '+inf';
      lines.push(` ${lower} <= ${variable.name} <= ${upper}`);
    }

    const integers = this.variables.filter((variable) => variable.type === 'integer').map((variable) => variable.name);
    const binaries = this.variables.filter((variable) => variable.type === 'binary').map((variable) => variable.name);
    if (integers.length > 0) lines.push('General', ...chunk(integers, 8).map((names) => ` ${names.join(' ')}`));
    if (binaries.length > 0) lines.push('Binary', ...chunk(binaries, 8).map((names) => ` ${names.join(' ')}`));
    lines.push('End', '');
    return lines.join('\n');
  }

  private claimName(name: string): void {
    if (!NAME_PATTERN.test(name)) throw new Error(`invalid LP name ${JSON.stringify(name)}: use letters, digits, '_' and '.', starting with a letter or '_'`);
    if (/^[eE][0-9+-]/.test(name)) throw new Error(`invalid LP name ${JSON.stringify(name)}: it reads as an exponent`);
    if (this.names.has(name)) throw new Error(`duplicate LP name ${name}`);
    this.names.add(name);
  }
}

export interface SparseModel {
  numCols: number;
  numRows: number;
  offset: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  rowLower: number[];
  rowUpper: number[];
  integrality: (0 | 1)[];
  matrix: { format: 'csr'; numRows: number; numCols: number; starts: number[]; indices: number[]; values: number[] };
  colNames: string[];
  rowNames: string[];
}

/** Decimal text that CPLEX LP readers accept: no exponent for ordinary magnitudes, 17 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an LP number`);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const text = value.toPrecision(17);
  return text.includes('e') ? text : text.replace(/0+$/, '').replace(/\.$/, '');
}

/** Writes `label term term ... suffix`, several terms per line: some LP readers limit line length. */
function wrapExpression(label: string, terms: Terms, variables: Variable[], suffix = ''): string[] {
  const parts = terms.map(([column, coefficient], index) => {
    let sign = index === 0 ? '' : '+';
    if (coefficient < 0) sign = '-';
    return `${sign} ${formatNumber(Math.abs(coefficient))} ${variables[column].name}`.trim();
  });
  const lines = chunk(parts, 6).map((group) => `   ${group.join(' ')}`);
  lines[0] = `${label} ${lines[0].trim()}`;
  if (suffix !== '') lines[lines.length - 1] += ` ${suffix}`;
  return lines;
}

function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
