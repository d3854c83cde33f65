// One worker thread that runs jobs one at a time (a queue): started on first use, it does not keep
// the process alive, and it is terminated and replaced when a job takes longer than its time limit
// or the thread dies (a memory cap, resourceLimits, means a hostile input cannot take the process
// down). Messages are `{id, ...payload}` and answers `{id, ...}`; an answer with `error` is the
// caller's to judge. Used by the PDF readers (modules/search/text-extract.ts, modules/signing/pdf/text-layer.ts).
import { Worker } from 'node:worker_threads';

export interface ThreadRunnerOptions {
  /** The worker module (plain JavaScript: started without the TypeScript loader). */
  url: URL;
  /** V8 old-generation cap of the thread, in MB. */
  memoryMb: number;
  /** The error a job fails with when the thread dies or exceeds its time. */
  error: (message: string) => Error;
}

export class ThreadRunner<A extends { id: number }> {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private waiting: { id: number; worker: Worker; resolve: (a: A) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly opts: ThreadRunnerOptions) {}

  /** Runs one job after those queued before it; `transfer` lists buffers handed over to the thread. */
  run(payload: Record<string, unknown>, transfer: ArrayBuffer[], timeoutMs: number): Promise<A> {
    const job = this.queue.then(() => this.once(payload, transfer, timeoutMs));
    this.queue = job.catch(() => {});
    return job;
  }

  private spawn(): Worker {
    const w = new Worker(this.opts.url, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: this.opts.memoryMb }, stdout: false, stderr: false });
    w.on('message', (a: A) => {
      if (this.waiting?.id === a.id) this.waiting.resolve(a);
    });
    const lost = (why: string) => {
      if (this.worker === w) this.worker = null;
      if (this.waiting?.worker === w) this.waiting.reject(this.opts.error(why));
    };
    w.on('error', (e) => lost(`the worker thread failed: ${e.message}`));
    w.on('exit', (code) => lost(`the worker thread stopped (exit code ${code})`));
    w.unref(); // after the listeners: adding a 'message' listener refs the thread again
    return w;
  }

  private async once(payload: Record<string, unknown>, transfer: ArrayBuffer[], timeoutMs: number): Promise<A> {
    const w = (this.worker ??= this.spawn());
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<A>((resolve, reject) => {
        this.waiting = { id, worker: w, resolve, reject };
        timer = setTimeout(() => {
          reject(this.opts.error(`it took longer than ${Math.round(timeoutMs / 1000)} s`));
          if (this.worker === w) this.worker = null;
          void w.terminate();
        }, timeoutMs);
        w.postMessage({ id, ...payload }, transfer);
      });
    } finally {
      clearTimeout(timer);
      this.waiting = null;
    }
  }

  /** Ends the thread (a job in flight fails); the next job starts another. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
