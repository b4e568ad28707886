// Shared by tests that check the InputError a parser raises for a bad input.
import { InputError } from '../src/input-error.js';

/** Runs `action` and returns the InputError it raises; any other outcome fails the test. */
export function inputError(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}
