// Errors a user can fix: printed as one line (what was found, and the fix), no stack trace, exit code 1.

/** A problem with the user's input (a flag, a file, a dataset), with the fix in the message. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Whether an error is the user's to fix (ours, an architecture / config check, a lost peer of a distributed run). */
export function isUserError(e: unknown): e is Error {
  return e instanceof Error && ['UserError', 'ArchError', 'ConfigError', 'TrainingError', 'DistError'].includes(e.name);
}

/** A message as one line: a file's damaged content quoted in a parser's message may hold line breaks. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
