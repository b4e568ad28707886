// Error reporting and exit statuses of the CLI. Bad input exits 2 with one line naming the file,
// field and value. Any other error exits 1 with one line and a request to report the bug. Stack
// traces are printed only with COSA_DEBUG=1.
import type { Command } from 'commander';

import { fileSystemInputError } from '../file-checks.js';
import { InputError } from '../input-error.js';
import { isBusyError } from '../store/busy.js';

/** Exit status for a successful run. */
export const EXIT_OK = 0;
/** Exit status for a failed result (an invalid mapping, an infeasible schedule) or a bug. */
export const EXIT_FAILURE = 1;
/** Exit status for bad input: an unreadable file, an invalid field, a wrong command-line option. */
export const EXIT_INPUT_ERROR = 2;

const BUG_HINT = 'This is a bug in cosa. Please report it with the command you ran; set COSA_DEBUG=1 to print the stack trace.';

function debugEnabled(): boolean {
  return process.env.COSA_DEBUG === '1';
}

/** Collapses a message to one line so each error is one line on stderr. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Prints `error` to stderr as the CLI reports it and returns the exit status it calls for. */
export function reportError(thrown: unknown): number {
  // A file-system error that no command caught still names a path the user gave: report it as input.
  const error = fileSystemInputError(thrown) ?? thrown;
  if (error instanceof InputError) {
    process.stderr.write(`error: ${oneLine(error.message)}\n`);
    if (debugEnabled() && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return EXIT_INPUT_ERROR;
  }
  // Commands name the database in their own error for the steps that may meet a lock. This line
  // covers any other statement that another process's lock stopped.
  if (isBusyError(error)) {
    process.stderr.write(`error: another process holds the results database locked (SQLite: ${oneLine((error as Error).message)}); close the program that holds it or wait for it to finish, then rerun\n`);
    if (debugEnabled() && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return EXIT_INPUT_ERROR;
  }

  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`internal error: ${oneLine(description)}\n`);
  if (debugEnabled() && error instanceof Error && error.stack !== undefined) {
    process.stderr.write(`${error.stack}\n`);
  } else {
    process.stderr.write(`${BUG_HINT}\n`);
  }
  return EXIT_FAILURE;
}

/**
 * Wraps a command action so that any error it throws is reported by reportError and ends the
 * process with that status. The action's own return value is its exit status (0 if omitted).
 */
export function runAction<Args extends unknown[]>(
  action: (...args: Args) => Promise<number | void> | number | void,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    let status: number;
    try {
      status = (await action(...args)) ?? EXIT_OK;
    } catch (error) {
      status = reportError(error);
      // Exit right away so that open handles (worker pools, databases) cannot keep a failed run alive.
      process.exit(status);
    }
    process.exitCode = status;
  };
}

/**
 * Makes commander's usage errors (unknown option, missing argument) exit with status 2 and
 * routes errors that escape every action through reportError. Call it before adding commands,
 * because subcommands copy the exit handler when `program.command()` creates them.
 */
export function configureErrorHandling(program: Command): void {
  program.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? EXIT_OK : EXIT_INPUT_ERROR);
  });

  const exitOnError = (error: unknown) => process.exit(reportError(error));
  process.on('uncaughtException', exitOnError);
  process.on('unhandledRejection', exitOnError);

  // A reader that closes the pipe early (`cosa ... | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    exitOnError(error);
  });
}
