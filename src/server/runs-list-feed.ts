// The live list of runs in the runs folder: sent whole to a new listener, and again whenever it changes.
import type { RunsListEvents, RunSummary } from './api-types.js';
import { PollingFeed, type Listener } from './polling-feed.js';
import { listRuns } from './runs-folder.js';

export class RunsListFeed extends PollingFeed<RunsListEvents> {
  private runs: RunSummary[] = [];
  private json = '[]';

  constructor(readonly runsDir: string, intervalMs = 1000) {
    super(intervalMs);
  }

  get current(): RunSummary[] {
    return this.runs;
  }

  protected greet(listener: Listener<RunsListEvents>): void {
    listener('runs', this.runs);
  }

  protected reset(): void {
    this.runs = [];
    this.json = '[]';
  }

  protected async read(initial: boolean): Promise<(() => void) | undefined> {
    const runs = await listRuns(this.runsDir);
    const json = JSON.stringify(runs);
    return () => {
      if (json === this.json) return;
      this.runs = runs;
      this.json = json;
      if (!initial) this.emit('runs', runs);
    };
  }
}
