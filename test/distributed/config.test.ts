// From (flags, environment) to a distributed configuration: the three modes, torchrun's contract, and a
// one-line error naming the flag or variable for every bad input.
import { describe, expect, it } from 'vitest';
import { planLaunch, resolveDist, workerEnvFor, workerFromEnv, parseHostPort, DEFAULT_TIMEOUT_MS } from '../../src/dist/config.js';
import { UserError } from '../../src/util/errors.js';

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('expected a UserError');
}

describe('dist config', () => {
  it('runs alone without launch flags or a worker environment', () => {
    expect(resolveDist({}, {})).toEqual({ mode: 'single' });
    // A launcher's environment of one worker is a single process, too.
    expect(resolveDist({}, { RANK: '0', WORLD_SIZE: '1' })).toEqual({ mode: 'single' });
  });

  it('plans --nproc on one machine: port picked by rank 0, threads = cores / N', () => {
    const m = resolveDist({ nproc: '2' }, {}, 8);
    expect(m).toEqual({ mode: 'launch', plan: {
      nproc: 2, nnodes: 1, nodeRank: 0, world: 2, master: { host: '127.0.0.1', port: 0 }, threadsPerWorker: 4,
      device: undefined, timeoutMs: DEFAULT_TIMEOUT_MS, storeFile: undefined,
    } });
    expect(planLaunch({ nproc: '3' }, {}, 2).threadsPerWorker).toBe(1);
    expect(planLaunch({ nproc: '2', threads: '3', distTimeout: '7.5' }, {}, 8)).toMatchObject({ threadsPerWorker: 3, timeoutMs: 7500 });
  });

  it('plans several machines and passes the contract to each worker', () => {
    const plan = planLaunch({ nproc: '2', nnodes: '3', nodeRank: '1', master: '10.0.0.1:29400', distInterface: 'eth1' }, {}, 4);
    expect(plan).toMatchObject({ world: 6, master: { host: '10.0.0.1', port: 29400 }, device: 'eth1' });
    expect(workerEnvFor(plan, 1)).toMatchObject({
      MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29400', WORLD_SIZE: '6', RANK: '3', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2',
      DCGAN_THREADS: '2', DCGAN_DIST_INTERFACE: 'eth1', DCGAN_DIST_WORKER: '1',
    });
    expect(planLaunch({ nproc: '1', master: 'node0' }, {}).master).toEqual({ host: 'node0', port: 29500 });
    expect(planLaunch({ nproc: '1', master: '[fd00::1]:1234' }, {}).master).toEqual({ host: 'fd00::1', port: 1234 });
    expect(planLaunch({ nproc: '1' }, { GLOO_SOCKET_IFNAME: 'ib0' }).device).toBe('ib0');
  });

  it('reads a worker from the environment torchrun, srun wrappers and PyTorchJob set', () => {
    const env = { MASTER_ADDR: 'job-master-0', MASTER_PORT: '23456', WORLD_SIZE: '4', RANK: '2', LOCAL_RANK: '0', LOCAL_WORLD_SIZE: '1' };
    expect(resolveDist({}, env)).toEqual({ mode: 'worker', worker: {
      rank: 2, world: 4, localRank: 0, localWorld: 1, master: { host: 'job-master-0', port: 23456 }, device: undefined,
      timeoutMs: DEFAULT_TIMEOUT_MS, storeFile: undefined, launchedByDcgan: false,
    } });
    expect(workerFromEnv({ ...env, GLOO_SOCKET_IFNAME: 'eth0' }, { distTimeout: '60' })).toMatchObject({ device: 'eth0', timeoutMs: 60_000 });
    // Our own launcher's workers ignore the launch flags they were given.
    expect(resolveDist({ nproc: '2' }, { ...env, DCGAN_DIST_WORKER: '1' }).mode).toBe('worker');
  });

  it('says which flag is wrong and how to fix it', () => {
    expect(error(() => planLaunch({ nproc: 'two' }))).toBe("--nproc 'two' is not an integer of at least 1: give the number of worker processes on this machine, e.g. --nproc 2");
    expect(error(() => planLaunch({ nproc: '0' }))).toMatch(/^--nproc '0' is not an integer of at least 1/);
    expect(error(() => planLaunch({ nnodes: '2', nodeRank: '0' }))).toMatch(/^--nnodes 2 needs --master HOST:PORT/);
    expect(error(() => planLaunch({ nnodes: '2', master: 'a:1' }))).toMatch(/^--nnodes 2 needs --node-rank R/);
    expect(error(() => planLaunch({ nnodes: '2', nodeRank: '2', master: 'a:1' }))).toMatch(/^--node-rank 2 is not below --nnodes 2/);
    expect(error(() => planLaunch({ nnodes: '2', nodeRank: '1', master: 'a:0' }))).toMatch(/^--master a:0: the other machines cannot learn a port/);
    expect(error(() => planLaunch({ nproc: '2', master: 'a:99999' }))).toMatch(/^--master 'a:99999': port '99999' is not in 0-65535/);
    expect(error(() => planLaunch({ nproc: '2', distTimeout: '0' }))).toMatch(/^--dist-timeout '0' is not a positive number of seconds/);
    expect(error(() => planLaunch({ nnodes: '2', nodeRank: '1', master: 'a:1', distStore: '/shared' }, {}))).toMatch(/^--dist-store with --nnodes 2 needs a job id/);
    expect(error(() => resolveDist({ distInterface: 'eth0' }, {}))).toMatch(/^--dist-interface applies to distributed runs only/);
    expect(error(() => resolveDist({ nproc: '2' }, { RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h' }))).toMatch(/^--nproc starts workers, but this process already is one/);
    expect(() => parseHostPort(':80', '--master')).toThrow(/has no host/);
  });

  it('says which variable is wrong and how to fix it', () => {
    expect(error(() => workerFromEnv({ RANK: '1' }))).toMatch(/^RANK=1 is set but WORLD_SIZE is not/);
    expect(error(() => workerFromEnv({ WORLD_SIZE: '2' }))).toMatch(/^WORLD_SIZE=2 is set but RANK is not/);
    expect(error(() => workerFromEnv({ RANK: '2', WORLD_SIZE: '2', MASTER_ADDR: 'h' }))).toMatch(/^RANK=2 is not below WORLD_SIZE=2/);
    expect(error(() => workerFromEnv({ RANK: 'x', WORLD_SIZE: '2' }))).toMatch(/^RANK 'x' is not an integer/);
    expect(error(() => workerFromEnv({ RANK: '0', WORLD_SIZE: '2' }))).toMatch(/^WORLD_SIZE=2 needs MASTER_ADDR/);
    expect(error(() => workerFromEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h', MASTER_PORT: 'http' }))).toMatch(/^MASTER_PORT 'http' is not a port/);
    expect(error(() => workerFromEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h', MASTER_PORT: '0' }))).toMatch(/^MASTER_PORT=0: the workers cannot learn/);
    expect(error(() => workerFromEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h', LOCAL_RANK: '2', LOCAL_WORLD_SIZE: '2' }))).toMatch(/^LOCAL_RANK=2 is not below LOCAL_WORLD_SIZE=2/);
    expect(error(() => workerFromEnv({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: 'h', DCGAN_DIST_TIMEOUT: '-1' }))).toMatch(/^DCGAN_DIST_TIMEOUT '-1' is not a positive number of seconds/);
  });
});
