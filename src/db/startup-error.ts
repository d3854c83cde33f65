/**
 * A start that cannot go on for a reason the operator must fix; its message is one line saying
 * what to do, printed without a stack trace (src/main.ts exits with code 2).
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The first line of an error's message, for a one-line report. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}
