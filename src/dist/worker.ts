// The worker's side of a launch: join the job's process group from the environment, tell our launcher the
// port rank 0's store got, and stop if the launcher is gone (no orphaned workers, even after its SIGKILL).
import type { WorkerConfig } from './config.js';
import { groupOptions } from './config.js';
import { ProcessGroup, type GroupOptions } from './group.js';
import type { ListeningMessage } from './launch.js';

/**
 * Joins the process group `worker` describes (see workerFromEnv). Rank 0 started by our launcher with
 * MASTER_PORT=0 reports the port its store got over the IPC channel, then closes the channel.
 */
export async function joinJob(worker: WorkerConfig, extra: Partial<GroupOptions> = {}): Promise<ProcessGroup> {
  const options = groupOptions(worker, extra);
  const report = worker.rank === 0 && worker.master.port === 0 && worker.storeFile === undefined && typeof process.send === 'function';
  const onListening = (port: number) => {
    extra.onListening?.(port);
    if (!report) return;
    const msg: ListeningMessage = { dcganDist: 'listening', port };
    process.send!(msg, undefined, undefined, () => process.disconnect?.());
  };
  return ProcessGroup.init({ ...options, onListening });
}

/**
 * Exits this worker (code 1, one line on stderr) within about `everyMs` after its launcher dies, whatever
 * killed it. Returns a function that stops watching. Does nothing for workers our launcher did not start.
 */
export function watchLauncher(worker: WorkerConfig, everyMs = 1000): () => void {
  if (!worker.launchedByDcgan) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      process.stderr.write(`dcgan: rank ${worker.rank}: the launcher (pid ${parent}) is gone; stopping\n`);
      // Our launcher makes each worker lead its own process group: end it all, whatever the worker started.
      try {
        process.kill(-process.pid, 'SIGKILL');
      } catch {
        // not a group leader
      }
      process.exit(1);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
