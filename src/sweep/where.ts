// The `where` filter of a sweep spec: a small expression language over grid parameters,
// parsed here into a tree and interpreted, so a spec can never run arbitrary code.
//
// Grammar (lowest precedence first):
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/' | '%') unary)*
//   unary   := '-' unary | atom
//   atom    := number | string | name | '(' or ')'
// Names may contain dots, so `file:` grid keys such as `GlobalBuffer.entries` work as written.

export type WhereValue = number | string | boolean;

type Node =
  | { kind: 'literal'; value: number | string }
  | { kind: 'name'; name: string }
  | { kind: 'unary'; op: '-' | 'not'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node };

interface Token {
  kind: 'number' | 'string' | 'name' | 'op' | 'end';
  text: string;
  position: number;
}

/** A syntax or name error in a `where` expression; `position` is a 0-based character offset. */
export class WhereError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'WhereError';
  }
}

export interface WhereExpression {
  source: string;
  /** Parameter names the expression reads. */
  names: string[];
  /** Evaluates the filter for one design point; a non-boolean result is an error. */
  test(parameters: Record<string, number | string>): boolean;
}

const OPERATORS = ['<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '%', '(', ')'];
const KEYWORDS = new Set(['and', 'or', 'not']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }

    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    const string = /^("[^"]*"|'[^']*')/.exec(rest);
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], position: i });
      i += number[0].length;
    } else if (name) {
      tokens.push({ kind: KEYWORDS.has(name[0]) ? 'op' : 'name', text: name[0], position: i });
      i += name[0].length;
    } else if (string) {
      tokens.push({ kind: 'string', text: string[0].slice(1, -1), position: i });
      i += string[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', text: op, position: i });
      i += op.length;
    } else {
      throw new WhereError(`unexpected character ${JSON.stringify(source[i])} at position ${i}`, i);
    }
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    const next = this.peek();
    if (next.kind !== 'end') throw new WhereError(`unexpected ${JSON.stringify(next.text)} at position ${next.position}`, next.position);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private accept(...ops: string[]): string | undefined {
    const token = this.peek();
    if (token.kind === 'op' && ops.includes(token.text)) {
      this.index++;
      return token.text;
    }
    return undefined;
  }

  private leftAssociative(ops: string[], operand: () => Node): Node {
    let left = operand();
    for (let op = this.accept(...ops); op !== undefined; op = this.accept(...ops)) {
      left = { kind: 'binary', op, left, right: operand() };
    }
    return left;
  }

  private or(): Node {
    return this.leftAssociative(['or'], () => this.and());
  }

  private and(): Node {
    return this.leftAssociative(['and'], () => this.not());
  }

  private not(): Node {
    if (this.accept('not')) return { kind: 'unary', op: 'not', operand: this.not() };
    return this.compare();
  }

  private compare(): Node {
    const left = this.sum();
    const op = this.accept('<=', '>=', '==', '!=', '<', '>');
    if (op === undefined) return left;
    return { kind: 'binary', op, left, right: this.sum() };
  }

  private sum(): Node {
    return this.leftAssociative(['+', '-'], () => this.product());
  }

  private product(): Node {
    return this.leftAssociative(['*', '/', '%'], () => this.unary());
  }

  private unary(): Node {
    if (this.accept('-')) return { kind: 'unary', op: '-', operand: this.unary() };
    return this.atom();
  }

  private atom(): Node {
    const token = this.peek();
    if (token.kind === 'number') {
      this.index++;
      return { kind: 'literal', value: Number(token.text) };
    }
    if (token.kind === 'string') {
      this.index++;
      return { kind: 'literal', value: token.text };
    }
    if (token.kind === 'name') {
      this.index++;
      return { kind: 'name', name: token.text };
    }
    if (this.accept('(')) {
      const inner = this.or();
      if (!this.accept(')')) {
        const next = this.peek();
        throw new WhereError(`missing ")" at position ${next.position}`, next.position);
      }
      return inner;
    }
    const found = token.kind === 'end' ? 'end of expression' : JSON.stringify(token.text);
    throw new WhereError(`expected a number, a name or "(" but found ${found} at position ${token.position}`, token.position);
  }
}

function collectNames(node: Node, names: Set<string>): void {
  if (node.kind === 'name') names.add(node.name);
  else if (node.kind === 'unary') collectNames(node.operand, names);
  else if (node.kind === 'binary') {
    collectNames(node.left, names);
    collectNames(node.right, names);
  }
}

function expectNumber(value: WhereValue, op: string): number {
  if (typeof value !== 'number') throw new WhereError(`"${op}" needs numbers, got ${JSON.stringify(value)}`, 0);
  return value;
}

function expectBoolean(value: WhereValue, op: string): boolean {
  if (typeof value !== 'boolean') throw new WhereError(`"${op}" needs a comparison, got ${JSON.stringify(value)}`, 0);
  return value;
}

function evaluateNode(node: Node, parameters: Record<string, number | string>): WhereValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'name':
      return parameters[node.name];
    case 'unary': {
      const operand = evaluateNode(node.operand, parameters);
      return node.op === '-' ? -expectNumber(operand, '-') : !expectBoolean(operand, 'not');
    }
    case 'binary':
      return evaluateBinary(node.op, node.left, node.right, parameters);
  }
}

/** Writes a node back as expression text, with parentheses around every operation. */
function formatNode(node: Node): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    case 'name':
      return node.name;
    case 'unary':
      return node.op === '-' ? `-${formatNode(node.operand)}` : `not ${formatNode(node.operand)}`;
    case 'binary': {
      const side = (child: Node) => (child.kind === 'binary' ? `(${formatNode(child)})` : formatNode(child));
      return `${side(node.left)} ${node.op} ${side(node.right)}`;
    }
  }
}

function evaluateBinary(op: string, leftNode: Node, rightNode: Node, parameters: Record<string, number | string>): WhereValue {
  const left = evaluateNode(leftNode, parameters);
  if (op === 'and') return expectBoolean(left, op) && expectBoolean(evaluateNode(rightNode, parameters), op);
  if (op === 'or') return expectBoolean(left, op) || expectBoolean(evaluateNode(rightNode, parameters), op);

  const right = evaluateNode(rightNode, parameters);
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;

  const a = expectNumber(left, op);
  const b = expectNumber(right, op);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
    case '%':
      // Division by zero gives Infinity or NaN, which would pass or drop points silently.
      if (b === 0) throw new WhereError(`division by zero in ${JSON.stringify(formatNode({ kind: 'binary', op, left: leftNode, right: rightNode }))}`, 0);
      return op === '/' ? a / b : a % b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw new WhereError(`unknown operator ${JSON.stringify(op)}`, 0);
}

/**
 * Parses `source` and checks that it reads only `knownNames`. Throws WhereError on a syntax error
 * or an unknown name; `test` throws WhereError when the operand types do not fit an operator or a
 * divisor (of `/` or `%`) is zero.
 */
export function parseWhere(source: string, knownNames: readonly string[]): WhereExpression {
  const tree = new Parser(tokenize(source)).parse();
  const names = new Set<string>();
  collectNames(tree, names);
  for (const name of names) {
    if (!knownNames.includes(name)) {
      // An unquoted string value (dram == hbm2) reads as a name, so the message shows the quoted form.
      const quoted = `'${name}'`;
      throw new WhereError(`unknown name ${JSON.stringify(name)} (a string value needs quotes, such as ${quoted}); known names: ${knownNames.join(', ') || '(none)'}`, source.indexOf(name));
    }
  }

  return {
    source,
    names: [...names],
    test(parameters) {
      return expectBoolean(evaluateNode(tree, parameters), 'where');
    },
  };
}
