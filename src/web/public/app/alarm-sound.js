// @ts-check
// The alarm's sound, vibration and wake lock. Browsers let a page make sound and vibrate only
// after a tap: the first tap of the page (the login button, the "Bật chuông cảnh báo" banner, any
// tap) starts an AudioContext that stays running for the page's life, so a flash dispatch arriving
// at 3 a.m. rings. While ringing: a two-tone siren repeated until acknowledged, the vibration
// pattern repeated, and the screen kept on (Wake Lock) where the browser has it.

/** Siren: 0.45 s high, 0.45 s low, three times, then a 0.6 s pause — the cycle repeats. */
const CYCLE_S = 3.3;
const TONES = [1046, 784];
/** The vibration pattern (ms on/off), repeated every cycle. */
export const VIBRATION = [600, 200, 600, 200, 1200];

/**
 * What tests (and a curious engineer) can read: `window.ltAlarm`.
 * @type {{ unlocked: boolean, ringing: boolean, cycles: number, tones: number, vibrations: number, wakeLock: 'none' | 'held' | 'released' | 'unavailable' | 'refused' }}
 */
export const stats = { unlocked: false, ringing: false, cycles: 0, tones: 0, vibrations: 0, wakeLock: 'none' };
/** @type {Window & { ltAlarm?: typeof stats }} */ (window).ltAlarm = stats;

/** @type {AudioContext | null} */
let ctx = null;
/** @type {ReturnType<typeof setInterval> | null} */
let timer = null;
/** @type {WakeLockSentinel | null} */
let lock = null;
/** The current cycle's output: disconnected on acknowledge, so the siren stops mid-tone. */
/** @type {GainNode | null} */
let out = null;
/** @type {Set<(unlocked: boolean) => void>} */
const listeners = new Set();

/** Whether sound can play now (the context runs). */
export const isUnlocked = () => Boolean(ctx && ctx.state === 'running');
const changed = () => {
  stats.unlocked = isUnlocked();
  listeners.forEach((fn) => fn(stats.unlocked));
};
/** Told whenever sound becomes possible or impossible. @param {(unlocked: boolean) => void} fn */
export function onUnlock(fn) {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}

function context() {
  if (ctx) return ctx;
  /** @type {typeof AudioContext | undefined} Safari before 14.1 has only the prefixed one. */
  const Ctx = window.AudioContext || /** @type {{ webkitAudioContext?: typeof AudioContext }} */ (/** @type {unknown} */ (window)).webkitAudioContext;
  if (!Ctx) return null;
  ctx = new Ctx();
  ctx.onstatechange = changed;
  return ctx;
}

/**
 * Called inside a tap: starts (or resumes) the audio, with an inaudible blip so iOS counts it as
 * played, and asks iOS 17+ to ring even with the silent switch on.
 */
export function unlock() {
  try {
    const session = /** @type {{ audioSession?: { type: string } }} */ (/** @type {unknown} */ (navigator)).audioSession;
    if (session) session.type = 'playback';
    const c = context();
    if (!c) return;
    const resumed = c.state === 'running' ? Promise.resolve() : c.resume();
    const blip = c.createBuffer(1, 1, 22050);
    const src = c.createBufferSource();
    src.buffer = blip;
    src.connect(c.destination);
    src.start(0);
    resumed.then(() => {
      changed();
      if (stats.ringing) cycle();
    }, () => {});
  } catch {}
}

// Where sound is allowed without a tap (Chrome: an app added to the home screen, or a site the
// person often plays sound on), a context made now simply runs and no banner is needed; elsewhere
// it waits, suspended, for the first tap.
try {
  if (context()?.state === 'running') changed();
} catch {}
// Any tap of the page unlocks (these events carry the browser's user activation).
for (const type of ['click', 'touchend', 'keydown']) window.addEventListener(type, () => isUnlocked() || unlock(), { capture: true, passive: true });
// Phones suspend audio when the app goes to the background; coming back, try again (works when
// the browser still counts the earlier tap, else the banner asks for one).
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  if (ctx && ctx.state !== 'running') ctx.resume().then(changed, () => {});
  if (stats.ringing && !lock) keepAwake();
});

/** One siren cycle, scheduled on the audio clock (nothing when the audio is still locked). */
function cycle() {
  stats.cycles++;
  try {
    if (navigator.vibrate?.(VIBRATION)) stats.vibrations++;
  } catch {}
  const c = ctx;
  if (!c || c.state !== 'running') return;
  const now = c.currentTime + 0.02;
  out?.disconnect();
  out = c.createGain();
  out.gain.value = 0.9;
  out.connect(c.destination);
  for (let i = 0; i < 6; i++) {
    const at = now + i * 0.45;
    const osc = c.createOscillator();
    const env = c.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(TONES[i % 2] ?? 880, at);
    env.gain.setValueAtTime(0, at);
    env.gain.linearRampToValueAtTime(0.5, at + 0.02);
    env.gain.setValueAtTime(0.5, at + 0.4);
    env.gain.linearRampToValueAtTime(0, at + 0.44);
    osc.connect(env).connect(out);
    osc.start(at);
    osc.stop(at + 0.45);
    stats.tones++;
  }
}

async function keepAwake() {
  const wl = /** @type {{ wakeLock?: WakeLock }} */ (navigator).wakeLock;
  if (!wl) return void (stats.wakeLock = 'unavailable');
  try {
    lock = await wl.request('screen');
    stats.wakeLock = 'held';
    lock.addEventListener('release', () => {
      lock = null;
      if (stats.wakeLock === 'held') stats.wakeLock = 'released';
    });
    if (!stats.ringing) release();
  } catch {
    stats.wakeLock = 'refused';
  }
}

function release() {
  const held = lock;
  lock = null;
  stats.wakeLock = held ? 'released' : stats.wakeLock;
  held?.release().catch(() => {});
}

/** Starts the siren, the vibration and the wake lock (idempotent); they go on until `stopRinging`. */
export function startRinging() {
  if (stats.ringing) return;
  stats.ringing = true;
  // Audio may be allowed without a tap (Chrome: an app added to the home screen; a browser
  // setting): try; where it is not, the context waits suspended until the first tap.
  if (!isUnlocked()) unlock();
  cycle();
  timer = setInterval(cycle, CYCLE_S * 1000);
  keepAwake();
}

/** Acknowledged (or nothing left to acknowledge): silence, stop vibrating, let the screen sleep. */
export function stopRinging() {
  if (!stats.ringing) return;
  stats.ringing = false;
  if (timer) clearInterval(timer);
  timer = null;
  out?.disconnect();
  out = null;
  try {
    navigator.vibrate?.(0);
  } catch {}
  release();
}
