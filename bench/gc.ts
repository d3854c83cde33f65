import v8 from 'node:v8';
import vm from 'node:vm';

/** The V8 gc() without --expose-gc on the command line, so RSS readings start from a collected heap (a no-op if refused). */
export function gcFunction(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // fall through
  }
  return () => {};
}
