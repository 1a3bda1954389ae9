// From (flags, environment) to a validated distributed configuration: launch workers here (--nproc,
// --nnodes), be a worker (the env contract of torchrun, Slurm wrappers, Kubernetes' PyTorchJob and our own
// launcher), or run alone. Every error is one line naming the flag or variable and the fix.
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { UserError } from '../util/errors.js';
import type { GroupOptions } from './group.js';

/** Bound of the rendezvous and of every collective: a few minutes, long enough for a slow step, far
 * shorter than PyTorch's 30. */
export const DEFAULT_TIMEOUT_MS = 180_000;

/** The default master port, as torchrun's. */
export const DEFAULT_MASTER_PORT = 29500;

/** Distributed flags as the command line gives them (strings), all optional. */
export interface DistFlags {
  /** --nproc N: worker processes on this machine (torchrun's --nproc-per-node). */
  nproc?: string;
  /** --nnodes M: machines in the job (default 1). */
  nnodes?: string;
  /** --node-rank R: this machine's index, 0 ... M - 1 (default 0). */
  nodeRank?: string;
  /** --master HOST:PORT: where node 0's rank 0 hosts the rendezvous store. */
  master?: string;
  /** --dist-interface NAME|IP: the interface or address Gloo binds on this machine. */
  distInterface?: string;
  /** --dist-timeout SECONDS: bound of the rendezvous and of every collective. */
  distTimeout?: string;
  /** --dist-store DIR: rendezvous through a file in this folder (shared by every node) instead of TCP. */
  distStore?: string;
  /** --dist-job-id ID: names the store file; nodes of one job share it (default: SLURM_JOB_ID, ...). */
  distJobId?: string;
  /** --threads N: ATen threads per worker (default: cores / nproc). */
  threads?: string;
}

/** What the launcher starts on this machine. */
export interface LaunchPlan {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  world: number;
  /** Port 0 (single machine, no --master): rank 0 picks one and the launcher passes it on. */
  master: { host: string; port: number };
  threadsPerWorker: number;
  device?: string;
  timeoutMs: number;
  /** The FileStore path, when --dist-store is given. */
  storeFile?: string;
}

/** What a worker process learns from its environment. */
export interface WorkerConfig {
  rank: number;
  world: number;
  localRank: number;
  localWorld: number;
  master: { host: string; port: number };
  device?: string;
  timeoutMs: number;
  /** From DCGAN_DIST_RDZV_TIMEOUT (seconds), when the rendezvous needs longer than a collective. */
  rendezvousTimeoutMs?: number;
  storeFile?: string;
  /** Started by dcgan's own launcher (which it should watch). */
  launchedByDcgan: boolean;
}

export type DistMode =
  | { mode: 'single' }
  | { mode: 'launch'; plan: LaunchPlan }
  | { mode: 'worker'; worker: WorkerConfig };

/** Variables our launcher sets in each worker's environment, beside the torchrun contract. */
export const WORKER_ENV = {
  worker: 'DCGAN_DIST_WORKER',
  device: 'DCGAN_DIST_INTERFACE',
  timeout: 'DCGAN_DIST_TIMEOUT',
  rendezvousTimeout: 'DCGAN_DIST_RDZV_TIMEOUT',
  store: 'DCGAN_DIST_STORE',
  threads: 'DCGAN_THREADS',
} as const;

type Env = Record<string, string | undefined>;

function integer(raw: string, name: string, min: number, fix: string): number {
  const v = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(v) || v < min) throw new UserError(`${name} '${raw}' is not an integer of at least ${min}: ${fix}`);
  return v;
}

function seconds(raw: string, name: string): number {
  const v = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UserError(`${name} '${raw}' is not a positive number of seconds: e.g. ${name.startsWith('--') ? `${name} 180` : `${name}=180`}`);
  return Math.round(v * 1000);
}

/** "host:port", "[v6]:port"; port optional with a default. */
export function parseHostPort(raw: string, name: string, defaultPort?: number): { host: string; port: number } {
  const s = raw.trim();
  let host: string, port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    port = v6[2];
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const i = s.lastIndexOf(':');
    host = i < 0 ? s : s.slice(0, i);
    port = i < 0 ? undefined : s.slice(i + 1);
  }
  if (!host) throw new UserError(`${name} '${raw}' has no host: give HOST:PORT, e.g. 10.0.0.1:${DEFAULT_MASTER_PORT}`);
  if (port === undefined || port === '') {
    if (defaultPort === undefined) throw new UserError(`${name} '${raw}' has no port: give HOST:PORT, e.g. ${host}:${DEFAULT_MASTER_PORT}`);
    return { host, port: defaultPort };
  }
  const p = Number(port);
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UserError(`${name} '${raw}': port '${port}' is not in 0-65535: e.g. ${host}:${DEFAULT_MASTER_PORT}`);
  return { host, port: p };
}

function jobId(flags: DistFlags, env: Env): string | undefined {
  return flags.distJobId ?? env.DCGAN_JOB_ID ?? env.TORCHELASTIC_RUN_ID ?? env.SLURM_JOB_ID;
}

function storeFile(dir: string, id: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new UserError(`job id '${id}' may only hold letters, digits, '.', '_' and '-': give --dist-job-id a plain name`);
  return `${dir.replace(/\/+$/, '')}/dcgan-${id}.store`;
}

/** Whether the environment makes this process a worker (RANK and WORLD_SIZE, or Slurm's task variables). */
function workerEnv(env: Env): boolean {
  return env.RANK !== undefined || env.WORLD_SIZE !== undefined;
}

/**
 * Decides what this process does. `cores` is for the threads-per-worker default; `randomId` names the
 * store file of a single-machine job with --dist-store and no job id.
 */
export function resolveDist(flags: DistFlags, env: Env = process.env, cores = availableParallelism(),
  randomId: () => string = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`): DistMode {
  const launchFlags = (['nproc', 'nnodes', 'nodeRank', 'master'] as const).filter((k) => flags[k] !== undefined);
  const flagName = { nproc: '--nproc', nnodes: '--nnodes', nodeRank: '--node-rank', master: '--master' } as const;
  if (workerEnv(env)) {
    // Our own launcher passes its flags through to the workers, which ignore them; anything else that sets
    // RANK (torchrun, srun, a PyTorchJob) is the launcher, and launch flags would start workers of workers.
    if (launchFlags.length > 0 && env[WORKER_ENV.worker] !== '1') {
      throw new UserError(`${flagName[launchFlags[0]!]} starts workers, but this process already is one (RANK=${env.RANK ?? '?'} is set by its launcher): drop the launch flags, or unset RANK and WORLD_SIZE`);
    }
    const worker = workerFromEnv(env, flags);
    return worker.world === 1 ? { mode: 'single' } : { mode: 'worker', worker };
  }
  if (launchFlags.length === 0) {
    for (const k of ['distInterface', 'distTimeout', 'distStore', 'distJobId'] as const) {
      if (flags[k] !== undefined) {
        const name = { distInterface: '--dist-interface', distTimeout: '--dist-timeout', distStore: '--dist-store', distJobId: '--dist-job-id' }[k];
        throw new UserError(`${name} applies to distributed runs only: add --nproc N (workers on this machine) or --nnodes M with --master HOST:PORT`);
      }
    }
    return { mode: 'single' };
  }
  return { mode: 'launch', plan: planLaunch(flags, env, cores, randomId) };
}

/** The launcher's plan from its flags (and GLOO_SOCKET_IFNAME, job ids from the environment). */
export function planLaunch(flags: DistFlags, env: Env = process.env, cores = availableParallelism(), randomId: () => string = () => Math.random().toString(36).slice(2, 10)): LaunchPlan {
  const nproc = flags.nproc !== undefined ? integer(flags.nproc, '--nproc', 1, 'give the number of worker processes on this machine, e.g. --nproc 2') : 1;
  const nnodes = flags.nnodes !== undefined ? integer(flags.nnodes, '--nnodes', 1, 'give the number of machines, e.g. --nnodes 2') : 1;
  const nodeRank = flags.nodeRank !== undefined ? integer(flags.nodeRank, '--node-rank', 0, 'give this machine\'s index, 0 for the one at --master') : 0;
  if (nodeRank >= nnodes) throw new UserError(`--node-rank ${nodeRank} is not below --nnodes ${nnodes}: number the machines 0 to ${nnodes - 1}`);
  if (nnodes > 1 && flags.master === undefined) {
    throw new UserError(`--nnodes ${nnodes} needs --master HOST:PORT, the address of node 0 that every machine can reach (e.g. --master 10.0.0.1:${DEFAULT_MASTER_PORT})`);
  }
  if (nnodes > 1 && flags.nodeRank === undefined) throw new UserError(`--nnodes ${nnodes} needs --node-rank R on each machine (0 on the one at --master)`);
  let master = { host: '127.0.0.1', port: 0 };
  if (flags.master !== undefined) {
    master = parseHostPort(flags.master, '--master', DEFAULT_MASTER_PORT);
    if (nnodes > 1 && master.port === 0) {
      throw new UserError(`--master ${flags.master}: the other machines cannot learn a port the system picks; give a fixed port, e.g. ${master.host}:${DEFAULT_MASTER_PORT}`);
    }
  }
  const threadsPerWorker = flags.threads !== undefined ? integer(flags.threads, '--threads', 1, 'give ATen threads per worker, e.g. --threads 1')
    : Math.max(1, Math.floor(cores / nproc));
  const timeoutMs = flags.distTimeout !== undefined ? seconds(flags.distTimeout, '--dist-timeout') : DEFAULT_TIMEOUT_MS;
  const device = flags.distInterface ?? env.GLOO_SOCKET_IFNAME;
  let file: string | undefined;
  if (flags.distStore !== undefined) {
    let id = jobId(flags, env);
    if (id === undefined) {
      if (nnodes > 1) throw new UserError(`--dist-store with --nnodes ${nnodes} needs a job id every machine shares: --dist-job-id ID (or SLURM_JOB_ID / TORCHELASTIC_RUN_ID), a new one per job`);
      id = randomId();
    }
    file = storeFile(flags.distStore, id);
  }
  return { nproc, nnodes, nodeRank, world: nproc * nnodes, master, threadsPerWorker, device, timeoutMs, storeFile: file };
}

function envInt(env: Env, name: string, min: number, fix: string): number | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  return integer(raw, name, min, fix);
}

/** A worker's configuration from the environment its launcher set (flags fill what the launcher left out). */
export function workerFromEnv(env: Env = process.env, flags: DistFlags = {}): WorkerConfig {
  const fromLauncher = 'the launcher (torchrun, srun, a PyTorchJob or dcgan --nproc) sets it';
  const world = envInt(env, 'WORLD_SIZE', 1, `give the number of workers in the job; ${fromLauncher}`);
  const rank = envInt(env, 'RANK', 0, `give this worker's rank, 0 to WORLD_SIZE - 1; ${fromLauncher}`);
  if (world === undefined) throw new UserError(`RANK=${env.RANK} is set but WORLD_SIZE is not: ${fromLauncher} with RANK; set both`);
  if (rank === undefined) throw new UserError(`WORLD_SIZE=${world} is set but RANK is not: ${fromLauncher} with WORLD_SIZE; set both`);
  if (rank >= world) throw new UserError(`RANK=${rank} is not below WORLD_SIZE=${world}: ranks run from 0 to ${world - 1}`);
  const localWorld = envInt(env, 'LOCAL_WORLD_SIZE', 1, 'give the number of workers on this machine') ?? 1;
  const localRank = envInt(env, 'LOCAL_RANK', 0, 'give this worker\'s index on its machine') ?? 0;
  if (localRank >= localWorld && env.LOCAL_WORLD_SIZE !== undefined) {
    throw new UserError(`LOCAL_RANK=${localRank} is not below LOCAL_WORLD_SIZE=${localWorld}`);
  }
  const storePath = env[WORKER_ENV.store];
  let master = { host: '127.0.0.1', port: 0 };
  if (storePath === undefined && world > 1) {
    if (env.MASTER_ADDR === undefined || env.MASTER_ADDR.trim() === '') {
      throw new UserError(`WORLD_SIZE=${world} needs MASTER_ADDR, the host of rank 0 (and MASTER_PORT): ${fromLauncher}`);
    }
    const port = env.MASTER_PORT === undefined ? DEFAULT_MASTER_PORT : Number(env.MASTER_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`MASTER_PORT '${env.MASTER_PORT}' is not a port (0-65535): e.g. MASTER_PORT=${DEFAULT_MASTER_PORT}`);
    if (port === 0 && env[WORKER_ENV.worker] !== '1') throw new UserError(`MASTER_PORT=0: the workers cannot learn a port the system picks; give a fixed port, e.g. MASTER_PORT=${DEFAULT_MASTER_PORT}`);
    master = { host: env.MASTER_ADDR.trim().replace(/^\[(.*)\]$/, '$1'), port };
  }
  const timeoutRaw = flags.distTimeout ?? env[WORKER_ENV.timeout];
  const timeoutMs = timeoutRaw !== undefined ? seconds(timeoutRaw, flags.distTimeout !== undefined ? '--dist-timeout' : WORKER_ENV.timeout) : DEFAULT_TIMEOUT_MS;
  const rdzv = env[WORKER_ENV.rendezvousTimeout];
  return {
    rank, world, localRank, localWorld, master,
    device: flags.distInterface ?? env[WORKER_ENV.device] ?? env.GLOO_SOCKET_IFNAME,
    timeoutMs,
    ...(rdzv !== undefined ? { rendezvousTimeoutMs: seconds(rdzv, WORKER_ENV.rendezvousTimeout) } : {}),
    storeFile: storePath,
    launchedByDcgan: env[WORKER_ENV.worker] === '1',
  };
}

/** The environment of one worker started by our launcher: torchrun's contract plus ours. */
export function workerEnvFor(plan: LaunchPlan, localRank: number, masterPort = plan.master.port): Record<string, string> {
  const env: Record<string, string> = {
    MASTER_ADDR: plan.master.host,
    MASTER_PORT: String(masterPort),
    WORLD_SIZE: String(plan.world),
    RANK: String(plan.nodeRank * plan.nproc + localRank),
    LOCAL_RANK: String(localRank),
    LOCAL_WORLD_SIZE: String(plan.nproc),
    GROUP_RANK: String(plan.nodeRank),
    [WORKER_ENV.worker]: '1',
    [WORKER_ENV.timeout]: String(plan.timeoutMs / 1000),
    [WORKER_ENV.threads]: String(plan.threadsPerWorker),
    OMP_NUM_THREADS: String(plan.threadsPerWorker),
  };
  if (plan.device !== undefined) env[WORKER_ENV.device] = plan.device;
  if (plan.storeFile !== undefined) env[WORKER_ENV.store] = plan.storeFile;
  return env;
}

/** ProcessGroup.init's options for a worker. */
export function groupOptions(w: WorkerConfig, extra: Partial<GroupOptions> = {}): GroupOptions {
  return {
    rank: w.rank,
    world: w.world,
    master: w.storeFile === undefined ? w.master : undefined,
    storeFile: w.storeFile,
    device: w.device,
    timeoutMs: w.timeoutMs,
    rendezvousTimeoutMs: w.rendezvousTimeoutMs,
    meta: { localRank: w.localRank, localWorld: w.localWorld },
    ...extra,
  };
}
