import type { Deps } from '../lib/deps.js';
import { EVENTS_CHANNEL } from '../modules/events/service.js';
import { deriveNotifications, initNotifyCursor } from '../modules/notify/derive.js';
import { runNotifyTick } from '../modules/notify/send.js';
import { serial } from './serial.js';

/**
 * SMS and email (modules/notify): woken by every committed event (NOTIFY) and by a tick
 * (NOTIFY_TICK_MS, for retries and quiet hours), it queues what new events call for, then sends
 * what is due. Every replica runs it; the cursor's row lock and SKIP LOCKED share the work. Runs
 * only where SMS_URL or SMTP_URL is set (elsewhere the cursor is moved on, so turning a channel on
 * later does not send about old events).
 */
export async function startNotifier(deps: Deps): Promise<{ stop(): Promise<void> }> {
  const onError = (err: unknown) => deps.log.error({ err }, 'notifier failed');
  await initNotifyCursor(deps.db);
  const run = serial(async () => {
    for (let i = 0; i < 100; i++) {
      const d = await deriveNotifications(deps);
      if (!d.more) break;
    }
    if (!deps.config.sms && !deps.config.mail) return;
    for (let i = 0; i < 100; i++) {
      const t = await runNotifyTick(deps);
      if (t.handled === 0) break;
    }
  }, onError);
  const listener = await deps.sql.listen(EVENTS_CHANNEL, () => void run());
  const timer = setInterval(() => void run(), deps.config.notifyTickMs);
  timer.unref();
  void run();
  return {
    async stop() {
      clearInterval(timer);
      await listener.unlisten().catch(() => {});
      await run.stop();
    },
  };
}
