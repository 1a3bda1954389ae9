// A feed of events read by polling files: it polls only while someone listens, greets each new listener with
// the current state, then sends what changed. Polling, not fs.watch: the trainer replaces files by rename,
// which watchers report unevenly across platforms, and a poll of a few small files costs next to nothing.

export type Listener<E> = <K extends keyof E & string>(event: K, data: E[K]) => void;

export abstract class PollingFeed<E> {
  private readonly listeners = new Set<Listener<E>>();
  private timer: NodeJS.Timeout | undefined;
  private loaded: Promise<void> | undefined;
  /** Polls run one after another, never two at once. */
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Bumped on stop, so that a poll still in flight from before is dropped. */
  private generation = 0;

  constructor(protected readonly intervalMs: number) {}

  /** Reads the files; `apply` (called only if the feed is still current) updates the state and emits, synchronously. */
  protected abstract read(initial: boolean): Promise<(() => void) | undefined>;

  /** Sends the whole current state to one new listener. */
  protected abstract greet(listener: Listener<E>): void;

  /** Called when the last listener leaves: drop the state. */
  protected abstract reset(): void;

  protected emit<K extends keyof E & string>(event: K, data: E[K]): void {
    for (const l of [...this.listeners]) {
      try {
        l(event, data);
      } catch {
        this.listeners.delete(l); // a listener that throws (a closed socket) is dropped, the others go on
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private async poll(initial: boolean): Promise<void> {
    const gen = this.generation;
    const apply = await this.read(initial);
    if (gen === this.generation) apply?.();
  }

  private enqueue(initial: boolean): Promise<void> {
    this.pending++;
    this.chain = this.chain.then(() => this.poll(initial)).catch(() => undefined).finally(() => { this.pending--; });
    return this.chain;
  }

  private tick(): void {
    if (this.pending === 0) void this.enqueue(false);
  }

  /** Adds a listener: it receives the current state at once, then every change; returns the unsubscribe function. */
  async subscribe(listener: Listener<E>): Promise<() => void> {
    if (!this.loaded) {
      this.loaded = this.enqueue(true);
      this.timer = setInterval(() => this.tick(), this.intervalMs);
    }
    const gen = this.generation;
    await this.loaded;
    if (gen !== this.generation) return this.subscribe(listener);
    this.listeners.add(listener);
    const off = () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.loaded) this.stop();
    };
    try {
      this.greet(listener);
    } catch (e) {
      off();
      throw e;
    }
    return off;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.loaded = undefined;
    this.listeners.clear();
    this.generation++;
    this.reset();
  }
}
