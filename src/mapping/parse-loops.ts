// The two loop strings of a Timeloop mapping entry: `factors` ("R=1 S=3 P7 ...") and
// `permutation` ("QPRSCKN", innermost loop first).
import { InputError } from '../input-error.js';
import { DIMENSIONS, type Dimension, type Factors, type Layer } from '../workload/layer.js';

/** One `NAME=VALUE` or `NAMEVALUE` term; Timeloop also accepts spaces around `=` and a `,residual` suffix. */
const FACTOR_TERM = /([A-Za-z]+)\s*=*\s*([0-9]+)(,[0-9]+)?/y;

function isDimension(name: string): name is Dimension {
  return (DIMENSIONS as readonly string[]).includes(name);
}

/** A factor written as 0, which stands for the whole layer dimension. */
export interface ZeroFactor {
  dimension: Dimension;
  /** The `factors` field that contains it, such as `mapping[2].factors`. */
  field: string;
}

/**
 * Parses a factor string into loop bounds. Dimensions it omits get 1. A factor of 0 means the
 * whole layer dimension, as in Timeloop (src/mapping/parser.cpp at 019f107 warns "Interpreting 0
 * to mean full problem dimension instead of residue"); each one is appended to `zeroFactors`.
 */
export function parseFactors(text: string, file: string, field: string, layer: Layer, zeroFactors?: ZeroFactor[]): Factors {
  const factors: Partial<Factors> = {};
  let position = skipSeparators(text, 0);

  while (position < text.length) {
    FACTOR_TERM.lastIndex = position;
    const match = FACTOR_TERM.exec(text);
    if (match === null) {
      throw new InputError(file, field, text, `cannot read a factor at "${text.slice(position)}"; write factors as "R=1 S=3 P=7 ..." or "R1 S3 P7 ..."`);
    }

    const [, name, value, residual] = match;
    if (!isDimension(name)) {
      throw new InputError(file, field, text, `unknown dimension ${name}; valid dimensions: ${DIMENSIONS.join(' ')}`);
    }
    if (residual !== undefined) {
      throw new InputError(file, field, text, `residual factors such as "${match[0].trim()}" are not supported; give each dimension one factor`);
    }
    if (factors[name] !== undefined) {
      throw new InputError(file, field, text, `dimension ${name} has more than one factor`);
    }

    const bound = Number(value);
    factors[name] = bound === 0 ? layer[name] : bound;
    if (bound === 0) zeroFactors?.push({ dimension: name, field });
    position = skipSeparators(text, FACTOR_TERM.lastIndex);
  }

  const complete = {} as Factors;
  for (const dimension of DIMENSIONS) complete[dimension] = factors[dimension] ?? 1;
  return complete;
}

/**
 * Parses a permutation string (innermost loop first, whitespace ignored). Dimensions it omits are
 * appended outermost in the order R S P Q C K N G, which is how Timeloop pads a partial permutation.
 * A cnn-layer permutation never names G, so G is then the outermost loop.
 */
export function parsePermutation(text: string, file: string, field: string): Dimension[] {
  const order: Dimension[] = [];
  for (const letter of text.replace(/\s+/g, '')) {
    if (!isDimension(letter)) {
      throw new InputError(file, field, text, `unknown dimension ${letter}; valid dimensions: ${DIMENSIONS.join('')}`);
    }
    if (order.includes(letter)) {
      throw new InputError(file, field, text, `dimension ${letter} appears more than once`);
    }
    order.push(letter);
  }

  for (const dimension of DIMENSIONS) {
    if (!order.includes(dimension)) order.push(dimension);
  }
  return order;
}

/** Skips whitespace and commas, which Timeloop's factor reader also passes over between terms. */
function skipSeparators(text: string, position: number): number {
  while (position < text.length && /[\s,]/.test(text[position])) position++;
  return position;
}
