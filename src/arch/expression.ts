// Arithmetic expressions over design parameters, as written in hw-library/designs/*.yaml:
// numbers, parameter names, + - * / %, parentheses and the functions min, max, ceil, floor, log2.

export type ParameterValues = Record<string, number | string>;

export class ExpressionError extends Error {}

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  min: Math.min,
  max: Math.max,
  ceil: Math.ceil,
  floor: Math.floor,
  log2: Math.log2,
};

/** Parameter names an expression refers to, for error messages. */
export function expressionNames(text: string): string[] {
  const names = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return [...new Set(names.filter((name) => !(name in FUNCTIONS)))];
}

/**
 * Evaluate `text`. A text that is only a parameter name returns that parameter's value, which may
 * be a string (such as a DRAM type); inside arithmetic every parameter must be a number.
 */
export function evaluateExpression(text: string, values: ParameterValues): number | string {
  const trimmed = text.trim();
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(trimmed) && !(trimmed in FUNCTIONS)) {
    if (!(trimmed in values)) throw new ExpressionError(`unknown parameter ${trimmed}`);
    return values[trimmed];
  }
  const parser = new Parser(trimmed, values);
  const result = parser.parseExpression();
  parser.expectEnd();
  return result;
}

class Parser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly values: ParameterValues,
  ) {}

  parseExpression(): number {
    let value = this.parseTerm();
    for (let operator = this.peekOperator('+-'); operator !== undefined; operator = this.peekOperator('+-')) {
      this.position++;
      const right = this.parseTerm();
      value = operator === '+' ? value + right : value - right;
    }
    return value;
  }

  expectEnd(): void {
    this.skipSpaces();
    if (this.position < this.text.length) {
      throw new ExpressionError(`unexpected "${this.text.slice(this.position)}" in "${this.text}"`);
    }
  }

  private parseTerm(): number {
    let value = this.parseFactor();
    for (let operator = this.peekOperator('*/%'); operator !== undefined; operator = this.peekOperator('*/%')) {
      this.position++;
      const right = this.parseFactor();
      if (operator !== '*' && right === 0) throw new ExpressionError(`division by zero in "${this.text}"`);
      if (operator === '*') value *= right;
      else if (operator === '/') value /= right;
      else value %= right;
    }
    return value;
  }

  private parseFactor(): number {
    this.skipSpaces();
    const rest = this.text.slice(this.position);

    if (rest.startsWith('-')) {
      this.position++;
      return -this.parseFactor();
    }
    if (rest.startsWith('(')) {
      this.position++;
      const value = this.parseExpression();
      this.expectCharacter(')');
      return value;
    }

    const number = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (number !== null) {
      this.position += number[0].length;
      return Number(number[0]);
    }

    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name === null) throw new ExpressionError(`expected a number or a name at "${rest}" in "${this.text}"`);
    this.position += name[0].length;
    if (name[0] in FUNCTIONS) return this.parseCall(name[0]);

    const value = this.values[name[0]];
    if (value === undefined) throw new ExpressionError(`unknown parameter ${name[0]} in "${this.text}"`);
    if (typeof value !== 'number') throw new ExpressionError(`parameter ${name[0]} = ${value} is not a number in "${this.text}"`);
    return value;
  }

  private parseCall(name: string): number {
    this.expectCharacter('(');
    const args = [this.parseExpression()];
    while (this.peekOperator(',') !== undefined) {
      this.position++;
      args.push(this.parseExpression());
    }
    this.expectCharacter(')');
    return FUNCTIONS[name](...args);
  }

  private peekOperator(operators: string): string | undefined {
    this.skipSpaces();
    const character = this.text[this.position];
    return character !== undefined && operators.includes(character) ? character : undefined;
  }

  private expectCharacter(character: string): void {
    this.skipSpaces();
    if (this.text[this.position] !== character) throw new ExpressionError(`expected "${character}" in "${this.text}"`);
    this.position++;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position++;
  }
}
