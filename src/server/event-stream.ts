// One server-sent-events connection (text/event-stream): named JSON events, a comment every 15 s so that
// idle connections stay open, and clean-up when the browser goes away.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly onClose: (() => void)[] = [];

  constructor(req: IncomingMessage, private readonly res: ServerResponse, heartbeatMs = 15_000) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), heartbeatMs);
    req.once('close', () => this.close());
    res.once('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private write(text: string): void {
    if (this.closed) throw new Error('event stream closed');
    this.res.write(text);
  }

  /** Sends one event; the data is JSON on one line. Throws once the stream is closed. */
  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  whenClosed(fn: () => void): void {
    if (this.closed) fn();
    else this.onClose.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.res.end();
    for (const fn of this.onClose.splice(0)) fn();
  }
}
