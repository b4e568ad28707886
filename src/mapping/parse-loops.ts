// The two loop strings of a Timeloop mapping entry: `factors` ("R=1 S=3 P7 ...") and
// `permutation` ("QPRSCKN", innermost loop first).
import { InputError } from '../input-error.js';
import { DIMENSIONS, type Dimension, type Factors, type Layer } from '../workload/layer.js';

/**
 * One `NAME=VALUE` or `NAMEVALUE` term. Timeloop also accepts spaces around `=`, a `,residual`
 * suffix, and in mapspace constraints the bounds `NAME<=VALUE` and `NAME>=VALUE`.
 */
const FACTOR_TERM = /([A-Za-z]+)\s*(<=|>=|=*)\s*([0-9]+)(,[0-9]+)?/y;

function isDimension(name: string): name is Dimension {
  return (DIMENSIONS as readonly string[]).includes(name);
}

/** One term of a factor string as written: `R=3`, `R3`, `R<=4` or `R>=2`. */
export interface FactorTerm {
  name: string;
  relation: '=' | '<=' | '>=';
  value: number;
  /** The term as written, for messages. */
  text: string;
  /** True when the term has Timeloop's `,residual` suffix. */
  hasResidual: boolean;
}

/** Splits a factor string into its terms; text that is not a term raises InputError. Names are not checked. */
export function readFactorTerms(text: string, file: string, field: string): FactorTerm[] {
  const terms: FactorTerm[] = [];
  let position = skipSeparators(text, 0);
  while (position < text.length) {
    FACTOR_TERM.lastIndex = position;
    const match = FACTOR_TERM.exec(text);
    if (match === null) {
      throw new InputError(file, field, text, `cannot read a factor at "${text.slice(position)}"; write factors as "R=1 S=3 P=7 ..." or "R1 S3 P7 ..."`);
    }
    const [written, name, relation, value, residual] = match;
    terms.push({ name, relation: relation === '<=' || relation === '>=' ? relation : '=', value: Number(value), text: written.trim(), hasResidual: residual !== undefined });
    position = skipSeparators(text, FACTOR_TERM.lastIndex);
  }
  return terms;
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
  for (const term of readFactorTerms(text, file, field)) {
    const { name } = term;
    if (!isDimension(name)) {
      throw new InputError(file, field, text, `unknown dimension ${name}; valid dimensions: ${DIMENSIONS.join(' ')}`);
    }
    if (term.relation !== '=') {
      throw new InputError(file, field, text, `"${term.text}" is a bound, which only mapspace constraints give; a mapping gives each factor itself, such as ${name}=${term.value}`);
    }
    if (term.hasResidual) {
      throw new InputError(file, field, text, `residual factors such as "${term.text}" are not supported; give each dimension one factor`);
    }
    if (factors[name] !== undefined) {
      throw new InputError(file, field, text, `dimension ${name} has more than one factor`);
    }

    factors[name] = term.value === 0 ? layer[name] : term.value;
    if (term.value === 0) zeroFactors?.push({ dimension: name, field });
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
