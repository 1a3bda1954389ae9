// Shared by the unit tests (not part of the build): the UserError a call throws or a promise rejects with.
import { expect } from 'vitest';
import { UserError } from '../util/errors.js';

/** Calls `f`, expects it to throw a one-line UserError, and returns the message. */
export function thrownUserError(f: () => unknown): string {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  return oneLine(err);
}

/** Awaits `p`, expects it to reject with a one-line UserError, and returns the message. */
export async function userError(p: Promise<unknown>): Promise<string> {
  return oneLine(await p.then(() => null, (err: unknown) => err));
}

function oneLine(err: unknown): string {
  expect(err).toBeInstanceOf(UserError);
  const msg = (err as Error).message;
  expect(msg.split('\n')).toHaveLength(1);
  return msg;
}
