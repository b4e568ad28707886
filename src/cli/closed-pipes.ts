// Output streams whose reader may go away during a long command: `cosa sweep run ... | head`
// closes the pipe after a few lines, and the sweep must still finish and save its results.

/** Errors of a write to a pipe whose reader has closed it, or to a stream already torn down by one. */
const CLOSED_PIPE_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Makes stdout and stderr drop their output once their reader has closed them, instead of ending
 * the process. Other stream errors still reach the process's uncaught-error handling.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    // The CLI's default listener ends the process on EPIPE, which suits short commands only.
    stream.removeAllListeners('error');
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== undefined && CLOSED_PIPE_CODES.has(error.code)) return;
      throw error;
    });
  }
}
