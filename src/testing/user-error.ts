// Shared by the unit tests (not part of the build): the UserError a promise rejects with.
import { expect } from 'vitest';
import { UserError } from '../util/errors.js';

/** Awaits `p`, expects it to reject with a one-line UserError, and returns the message. */
export async function userError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UserError);
  const msg = (e as Error).message;
  expect(msg.split('\n')).toHaveLength(1);
  return msg;
}
