// DistError: a failed rendezvous or collective, one line naming the operation, this rank and the peer.
import type { NativeDistErrorFields } from './native.js';

export type DistErrorKind = 'rendezvous' | 'closed' | 'timeout' | 'aborted' | 'broken' | 'invalid' | 'failed';

export interface DistErrorFields {
  op: string;
  kind: DistErrorKind;
  rank?: number;
  world?: number;
  /** The rank the failure is about, when known. */
  peer?: number;
  /** Ranks that did not answer the roll call after the failure (groups of 3 and more). */
  lost?: number[];
  /** Gloo's or c10d's own words. */
  detail?: string;
}

/**
 * The message reads "allreduce (rank 1 of 2): connection to rank 0 (host-a, 10.0.0.1) closed: ...". A
 * group that threw one (except 'invalid') is broken: destroy it.
 */
export class DistError extends Error {
  override name = 'DistError';
  readonly op: string;
  readonly kind: DistErrorKind;
  readonly rank?: number;
  readonly world?: number;
  readonly peer?: number;
  readonly lost: number[];
  readonly detail?: string;

  constructor(message: string, fields: DistErrorFields) {
    super(message);
    this.op = fields.op;
    this.kind = fields.kind;
    this.rank = fields.rank;
    this.world = fields.world;
    this.peer = fields.peer;
    this.lost = fields.lost ?? [];
    this.detail = fields.detail;
  }

  /** Wraps what the addon rejected or threw with (an Error carrying native/dist.cc's fields). */
  static from(e: unknown, rank: number, world: number): DistError {
    if (e instanceof DistError) return e;
    const err = e instanceof Error ? e : new Error(String(e));
    const f = err as Error & NativeDistErrorFields;
    // Argument errors from the binding layer ("distAllreduce: argument 1 ...") carry no kind.
    const kind = (f.kind ?? 'invalid') as DistErrorKind;
    return new DistError(err.message, { op: f.op ?? 'collective', kind, rank, world, peer: f.peer, lost: f.lost, detail: f.detail });
  }
}
