// ProcessGroup: this process's rank in a data-parallel job, over libtorch's c10d with Gloo (native/dist.cc).
// Rendezvous, then the collectives training needs on the aten backend's tensors, without copying them
// through JavaScript and without blocking the event loop.
import * as tf from '@tensorflow/tfjs-core';
import { hostname } from 'node:os';
import { AtenBackend } from '../engine/backend.js';
import type { Handle, NativeAten } from '../engine/native.js';
import { DEFAULT_TIMEOUT_MS } from './config.js';
import { resolveDevice } from './device.js';
import { DistError } from './errors.js';
import { loadDist, type NativeDist, type NativePeer, type NativeReduce } from './native.js';


export type Reduction = NativeReduce;

export interface GroupOptions {
  /** This process's rank, 0 ... world - 1. */
  rank: number;
  /** Number of processes in the job. */
  world: number;
  /** Rendezvous at a TCP store that rank 0 hosts on master.port (0 on rank 0: the system picks one and
   * onListening tells it). Ignored when storeFile is given. */
  master?: { host: string; port: number };
  /** Rendezvous through a file on a folder every rank shares instead: a path no earlier job used. */
  storeFile?: string;
  /** Interface name or address of this host that Gloo binds. Default: loopback when the master is on this
   * host, else the address this host reaches the master from. */
  device?: string;
  /** Bound of every collective (ms); default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Bound of the rendezvous (ms), when other machines may take longer to start; default timeoutMs. */
  rendezvousTimeoutMs?: number;
  /** Small JSON-able facts every rank sees in `peers` (local rank, threads, ...). */
  meta?: Record<string, unknown>;
  /** Called on rank 0 once its store listens, with the port (useful with port 0). */
  onListening?: (port: number) => void;
}

/** Another rank, as learned at the rendezvous. */
export interface Peer {
  rank: number;
  hostname: string;
  /** The address its Gloo device is bound to. */
  address: string;
  pid: number;
  meta: Record<string, unknown>;
}

/**
 * One rank's membership of a process group. Every rank must call the same collectives in the same order
 * with tensors of the same shapes. A failed collective rejects with a DistError and leaves the group
 * broken: destroy it (and, to go on, rendezvous again and reload the last checkpoint).
 */
export class ProcessGroup {
  private destroyed = false;

  private constructor(
    private readonly dist: NativeDist,
    private readonly aten: NativeAten,
    private readonly id: number,
    readonly rank: number,
    readonly world: number,
    readonly timeoutMs: number,
    readonly peers: readonly Peer[],
    /** What Gloo binds here: an interface name or an address. */
    readonly device: string,
  ) {}

  /** Joins the group: resolves once every rank has joined and all are connected, or rejects with a
   * DistError within the timeout (naming who did not join). */
  static async init(options: GroupOptions): Promise<ProcessGroup> {
    const load = loadDist();
    if (!load.ok) throw new DistError(`distributed training is not available: ${load.reason}`, { op: 'init', kind: 'invalid' });
    const { rank, world } = options;
    if (!Number.isInteger(world) || world < 1) throw new DistError(`world size ${world} must be a positive integer`, { op: 'init', kind: 'invalid' });
    if (!Number.isInteger(rank) || rank < 0 || rank >= world) throw new DistError(`rank ${rank} must be an integer in [0, ${world - 1}]`, { op: 'init', kind: 'invalid' });
    if (!options.storeFile && !options.master) throw new DistError('give a master address (TCP store) or a store file', { op: 'init', kind: 'invalid' });
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const device = await resolveDevice(options.device, options.master?.host);
    const { id, ready } = load.dist.distCreate({
      rank, world,
      host: options.master?.host ?? '',
      port: options.master?.port ?? 0,
      path: options.storeFile,
      device: device.name,
      deviceIsInterface: device.isInterface,
      timeoutMs,
      rendezvousTimeoutMs: options.rendezvousTimeoutMs,
      hostname: hostname(),
      meta: JSON.stringify(options.meta ?? {}),
    }, options.onListening);
    let peers: NativePeer[];
    try {
      peers = await ready;
    } catch (e) {
      await load.dist.distDestroy(id).catch(() => undefined);
      throw DistError.from(e, rank, world);
    }
    return new ProcessGroup(load.dist, load.aten, id, rank, world, timeoutMs, peers.map(parsePeer), device.name);
  }

  // ---- on the aten backend's tensors ----

  /** Reduces the tensors across ranks (one collective for all of them). Returns new tensors (views of one
   * buffer); the inputs are unchanged. 'avg' divides by the world size before summing, as DDP does. */
  async allreduce(tensors: readonly tf.Tensor[], op: Reduction = 'sum'): Promise<tf.Tensor[]> {
    const backend = this.backend('allreduce');
    const out = await this.call(() => this.dist.distAllreduce(this.id, tensors.map((t) => backend.handle(t)), op, false));
    return this.wrap(backend, out!, tensors);
  }

  /** allreduce, blocking this thread until done (at most the timeout per queued collective). For code that
   * cannot await: the statistics of synchronized batch norm inside a layer's forward and backward pass. */
  allreduceSync(tensors: readonly tf.Tensor[], op: Reduction = 'sum'): tf.Tensor[] {
    const backend = this.backend('allreduceSync');
    let out: Handle[] | null;
    try {
      this.check('allreduceSync');
      out = this.dist.distAllreduceSync(this.id, tensors.map((t) => backend.handle(t)), op, false);
    } catch (e) {
      throw DistError.from(e, this.rank, this.world);
    }
    return this.wrap(backend, out!, tensors);
  }

  /** Every rank gets `root`'s values of the tensors (same shapes everywhere): new tensors. */
  async broadcast(tensors: readonly tf.Tensor[], root = 0): Promise<tf.Tensor[]> {
    const backend = this.backend('broadcast');
    const out = await this.call(() => this.dist.distBroadcast(this.id, tensors.map((t) => backend.handle(t)), root, false));
    return this.wrap(backend, out!, tensors);
  }

  // ---- on native handles (no TF.js) ----

  /** allreduce of native tensor handles; in place writes the results into them (contiguous, owned by the
   * caller alone) and returns null, else returns new handles (views of one buffer). */
  allreduceHandles(handles: readonly Handle[], op: Reduction = 'sum', inPlace = false): Promise<Handle[] | null> {
    return this.call(() => this.dist.distAllreduce(this.id, handles, op, inPlace));
  }

  allreduceHandlesSync(handles: readonly Handle[], op: Reduction = 'sum', inPlace = false): Handle[] | null {
    try {
      this.check('allreduceSync');
      return this.dist.distAllreduceSync(this.id, handles, op, inPlace);
    } catch (e) {
      throw DistError.from(e, this.rank, this.world);
    }
  }

  broadcastHandles(handles: readonly Handle[], root = 0, inPlace = false): Promise<Handle[] | null> {
    return this.call(() => this.dist.distBroadcast(this.id, handles, root, inPlace));
  }

  // ---- small values ----

  /** The element-wise reduction of every rank's values (a new array). */
  async allreduceValues(values: Float32Array, op: Reduction = 'sum'): Promise<Float32Array> {
    const h = this.aten.upload(values, [values.length], 'float32');
    try {
      await this.call(() => this.dist.distAllreduce(this.id, [h], op, true));
      return this.aten.download(h) as Float32Array;
    } finally {
      this.aten.release(h);
    }
  }

  /** allreduceValues, blocking this thread until done (see allreduceSync). */
  allreduceValuesSync(values: Float32Array, op: Reduction = 'sum'): Float32Array {
    const h = this.aten.upload(values, [values.length], 'float32');
    try {
      this.allreduceHandlesSync([h], op, true);
      return this.aten.download(h) as Float32Array;
    } finally {
      this.aten.release(h);
    }
  }

  /** Every rank's value, in rank order (JSON; small values such as host names and speeds). */
  async allgather<T>(value: T): Promise<T[]> {
    const all = await this.call(() => this.dist.distAllgather(this.id, new TextEncoder().encode(JSON.stringify(value))));
    return all.map((b) => JSON.parse(new TextDecoder().decode(b)) as T);
  }

  /** Resolves when every rank has reached it. */
  barrier(): Promise<void> {
    return this.call(() => this.dist.distBarrier(this.id));
  }

  /** Fails the pending and every later collective at once (the peers see the connections close). */
  abort(why = 'aborted by this process'): void {
    if (!this.destroyed) this.dist.distAbort(this.id, why);
  }

  /** Tears the group down once its queued collectives settle (abort first not to wait for a hung peer).
   * Safe to call again, and on a failed group. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.dist.distDestroy(this.id);
  }

  /** The peer of a rank: "rank 1 (host-b, 10.0.0.2)". */
  describe(rank: number): string {
    const p = this.peers[rank];
    return p ? `rank ${rank} (${p.hostname}, ${p.address})` : `rank ${rank}`;
  }

  private check(op: string): void {
    if (this.destroyed) throw new DistError(`${op} (rank ${this.rank} of ${this.world}): the group was destroyed`, { op, kind: 'broken' });
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      this.check('collective');
      return await f();
    } catch (e) {
      throw DistError.from(e, this.rank, this.world);
    }
  }

  private backend(op: string): AtenBackend {
    const b = tf.backend();
    if (!(b instanceof AtenBackend)) {
      throw new DistError(`${op}: collectives on tensors need the aten backend (the current one is '${tf.getBackend()}')`, { op, kind: 'invalid' });
    }
    return b;
  }

  private wrap(backend: AtenBackend, handles: Handle[], like: readonly tf.Tensor[]): tf.Tensor[] {
    return handles.map((h, i) => tf.engine().makeTensorFromTensorInfo(backend.output(h, like[i]!.shape.slice(), like[i]!.dtype), backend));
  }
}

function parsePeer(p: NativePeer): Peer {
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse(p.meta) as Record<string, unknown>;
  } catch {
    // a peer of another version: no meta
  }
  return { rank: p.rank, hostname: p.hostname, address: p.address, pid: p.pid, meta };
}
