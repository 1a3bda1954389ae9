// The TypeScript mirror of the addon's distributed exports (native/dist.cc): c10d process groups over Gloo.
// Tensors cross as the engine's integer handles (src/engine/native.ts); collectives return Promises.
import { loadNative, type Handle, type NativeAten } from '../engine/native.js';

/** What every rank learns about every other at the rendezvous. */
export interface NativePeer {
  rank: number;
  /** os.hostname() of its machine. */
  hostname: string;
  /** The address its Gloo device is bound to. */
  address: string;
  pid: number;
  /** The bytes it passed as `meta` (JSON, see group.ts). */
  meta: string;
}

export interface NativeGroupOptions {
  rank: number;
  world: number;
  /** TCPStore host (rank 0 hosts the store) and port (0 on rank 0: the system picks one). */
  host: string;
  port: number;
  /** A FileStore at this path instead, when given (a folder every rank shares; a fresh path per job). */
  path?: string;
  /** An interface name (deviceIsInterface) or an address of this host that Gloo binds. */
  device: string;
  deviceIsInterface: boolean;
  /** Bound of every collective, and of the rendezvous unless rendezvousTimeoutMs is given, in ms. */
  timeoutMs: number;
  rendezvousTimeoutMs?: number;
  hostname: string;
  meta: string;
}

export type NativeReduce = 'sum' | 'avg' | 'max' | 'min';

/** The properties native/dist.cc sets on the Errors it rejects with. */
export interface NativeDistErrorFields {
  /** 'rendezvous' | 'closed' | 'timeout' | 'aborted' | 'broken' | 'invalid' | 'failed' */
  kind?: string;
  op?: string;
  /** The rank the failure is about, when known. */
  peer?: number;
  /** Ranks that did not answer the roll call after the failure (groups of 3 and more). */
  lost?: number[];
  /** Gloo's or c10d's own words. */
  detail?: string;
}

export interface NativeDist {
  distInfo(): { gloo: boolean; reason?: string };
  /** Starts the rendezvous; onListening(port) once the store listens (rank 0 of a TCP store). */
  distCreate(options: NativeGroupOptions, onListening?: (port: number) => void): { id: number; ready: Promise<NativePeer[]> };
  /** One collective over all xs as one flat bucket. Out of place: views of one new bucket; in place: null. */
  distAllreduce(id: number, xs: readonly Handle[], op: NativeReduce, inPlace: boolean): Promise<Handle[] | null>;
  /** The same, blocking this thread until done (bounded by the group's timeout per queued collective). */
  distAllreduceSync(id: number, xs: readonly Handle[], op: NativeReduce, inPlace: boolean): Handle[] | null;
  distBroadcast(id: number, xs: readonly Handle[], root: number, inPlace: boolean): Promise<Handle[] | null>;
  distAllgather(id: number, bytes: Uint8Array): Promise<Uint8Array[]>;
  distBarrier(id: number): Promise<void>;
  /** Fails the pending and every later collective at once; the peers see the connections close. */
  distAbort(id: number, why?: string): void;
  /** Tears the group down after its queued operations settle. */
  distDestroy(id: number): Promise<void>;
  /** Groups not yet destroyed. */
  distGroups(): number;
}

export type DistLoad = { ok: true; aten: NativeAten; dist: NativeDist } | { ok: false; reason: string };

/** The addon with its distributed part, or why not (not built, or built without Gloo). Never throws. */
export function loadDist(): DistLoad {
  const load = loadNative();
  if (!load.ok) return { ok: false, reason: load.reason };
  const dist = load.aten as unknown as Partial<NativeDist>;
  if (typeof dist.distInfo !== 'function') {
    return { ok: false, reason: 'the native engine predates distributed training: run `npm run build:native`' };
  }
  const info = dist.distInfo();
  if (!info.gloo) return { ok: false, reason: info.reason ?? 'the native engine was built without Gloo' };
  return { ok: true, aten: load.aten, dist: dist as NativeDist };
}
