import { PassThrough, type Readable } from 'node:stream';

/** The source closed before its end (a client hung up mid-upload). */
export class SourceAborted extends Error {
  constructor() {
    super('the request ended before its body was complete');
    this.name = 'SourceAborted';
  }
}

export interface Branch {
  stream: PassThrough;
  /** Stop feeding this branch and end it (its reader is done, or must stop); the source goes on for the others. */
  detach(): void;
}

/**
 * Splits `source` into `n` streams that each get every chunk, reading the source no faster than
 * the slowest attached branch (backpressure), so nothing is buffered whole. A detached or
 * destroyed branch no longer holds the source back. An error of the source destroys every
 * branch with it; a source that closes before its end (a client hanging up) does too.
 */
export function tee(source: Readable, n: number): Branch[] {
  const live = new Set<PassThrough>();
  const waiting = new Set<PassThrough>();
  let ended = false;
  const maybeResume = () => {
    for (const b of waiting) if (!live.has(b) || b.destroyed) waiting.delete(b);
    if (waiting.size === 0 && source.isPaused() && !ended) source.resume();
  };
  const branches: Branch[] = Array.from({ length: n }, () => {
    const stream = new PassThrough({ highWaterMark: 64 * 1024 });
    live.add(stream);
    const drop = () => {
      live.delete(stream);
      maybeResume();
    };
    stream.on('drain', () => {
      waiting.delete(stream);
      maybeResume();
    });
    stream.on('close', drop);
    // An error of one branch is its reader's business; it must not crash the process.
    stream.on('error', () => undefined);
    return {
      stream,
      detach: () => {
        if (!live.has(stream)) return;
        drop();
        if (!stream.writableEnded) stream.end();
      },
    };
  });
  source.on('data', (chunk: Buffer) => {
    for (const b of live) {
      if (b.destroyed || b.writableEnded) continue;
      if (!b.write(chunk)) waiting.add(b);
    }
    if (waiting.size) source.pause();
  });
  source.on('end', () => {
    ended = true;
    for (const b of live) if (!b.writableEnded) b.end();
  });
  const fail = (err: Error) => {
    for (const b of [...live]) b.destroy(err);
  };
  source.on('error', fail);
  source.on('close', () => {
    if (!ended) fail(new SourceAborted());
  });
  return branches;
}
