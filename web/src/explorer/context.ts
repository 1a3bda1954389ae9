// What the explorer's parts share: the loaded generator, the chosen class, and the timing read-out.
import type { BrowserGenerator, Generated } from './generator';

export interface Explorer {
  run: string;
  gen: BrowserGenerator;
  /** The class for conditional generators (null otherwise). */
  cls(): number | null;
  /** Generates and reports the time in the status bar. */
  generate(zs: Float32Array[], what: string): Promise<Generated>;
  /** Shows an error in the page. */
  fail(e: unknown): void;
}

/** Runs one job at a time; while one runs, only the newest request waits (slider drags coalesce). */
export class LatestOnly {
  private busy = false;
  private next: (() => Promise<void>) | null = null;

  constructor(private readonly onError: (e: unknown) => void) {}

  request(job: () => Promise<void>): void {
    this.next = job;
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.next) {
      const job = this.next;
      this.next = null;
      try {
        await job();
      } catch (e) {
        this.onError(e);
      }
    }
    this.busy = false;
  }
}
