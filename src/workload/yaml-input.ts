// Reading YAML user files, with every failure raised as an InputError naming the file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLError } from 'yaml';
import { fileSystemInputError } from '../file-checks.js';
import { InputError } from '../input-error.js';

export type YamlMap = Record<string, unknown>;

export function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses YAML text. A syntax error becomes an InputError with the parser's first message line.
 * So do aliases that expand past the parser's limit (a "billion laughs" file).
 */
export function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new InputError(file, 'YAML', undefined, `invalid YAML: ${error.message}; write the repeated values out or use fewer nested aliases`);
    }
    if (!(error instanceof YAMLError)) throw error;
    // The parser's first line ends with a colon that introduces a code excerpt, which is dropped.
    const firstLine = error.message.split('\n')[0].replace(/:\s*$/, '');
    throw new InputError(file, 'YAML', undefined, `invalid YAML: ${firstLine}`);
  }
}

/** Read a text file; a missing or unreadable file becomes an InputError. */
export function readTextFile(path: string): string {
  if (path === '') throw new InputError('""', 'file', undefined, 'the path is empty; give the path of a YAML file');
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(path, 'file', undefined, 'not found; check the path');
    if (code === 'EISDIR') throw new InputError(path, 'file', undefined, 'is a folder, not a file; give the path of a YAML file');
    throw fileSystemInputError(error) ?? error;
  }
}
