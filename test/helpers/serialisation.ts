import type { App } from '../../src/http/types.js';

/** Where `actual` differs from `expected` (both plain JSON), e.g. "document.can missing"; null when equal. */
export function firstDifference(expected: unknown, actual: unknown, at = '$'): string | null {
  if (expected === actual) return null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array`;
    if (expected.length !== actual.length) return `${at}: ${expected.length} items, ${actual.length} sent`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object`;
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) return `${at}.${k} dropped (not declared in the response schema?)`;
      const d = firstDifference(v, (actual as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    for (const k of Object.keys(actual)) if (!(k in expected)) return `${at}.${k} added`;
    return null;
  }
  return `${at}: ${JSON.stringify(expected)} sent as ${JSON.stringify(actual)}`;
}

/**
 * Records every JSON response whose body differs from what its handler returned. fastify serialises
 * with fast-json-stringify, which silently drops the properties a response schema does not declare
 * (and coerces mistyped values): a field added to a presenter but not to its route's schema would
 * never reach clients. Add before `app.ready()`.
 */
export function watchSerialisation(app: App, losses: string[]) {
  const originals = new WeakMap<object, unknown>();
  app.addHook('preSerialization', async (_req, reply, payload) => {
    originals.set(reply, payload);
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!originals.has(reply) || typeof payload !== 'string') return payload;
    const expected: unknown = JSON.parse(JSON.stringify(originals.get(reply)));
    let actual: unknown;
    try {
      actual = JSON.parse(payload);
    } catch {
      losses.push(`${req.method} ${req.routeOptions.url ?? req.url} ${reply.statusCode}: not JSON`);
      return payload;
    }
    const diff = firstDifference(expected, actual);
    if (diff) losses.push(`${req.method} ${req.routeOptions.url ?? req.url} ${reply.statusCode}: ${diff}`);
    return payload;
  });
}
