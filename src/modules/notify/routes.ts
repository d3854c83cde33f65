import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { Errors, Nullable, Security, lit } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { NOTIFY_EVENTS, getSettings, putSettings } from './settings.js';

const Events = Type.Array(lit(NOTIFY_EVENTS), { maxItems: NOTIFY_EVENTS.length * 2 });
const QuietHours = Type.Object(
  { from: Type.String({ maxLength: 5, description: 'HH:MM, Vietnam time' }), to: Type.String({ maxLength: 5 }) },
  { additionalProperties: false, description: 'non-urgent notifications wait until it ends; hỏa tốc ignores it' },
);
const SettingsIn = Type.Object(
  {
    phone: Type.Optional(Nullable(Type.String({ maxLength: 32, description: 'a Vietnamese mobile number: 0912345678, +84 912 345 678 …' }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
    channels: Type.Optional(Type.Object({ sms: Type.Optional(Events), email: Type.Optional(Events) }, { additionalProperties: false })),
    quietHours: Type.Optional(Nullable(QuietHours)),
  },
  { additionalProperties: false },
);
const SettingsOut = Type.Object({
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  channels: Type.Object({ sms: Type.Array(Type.String()), email: Type.Array(Type.String()) }),
  quietHours: Nullable(Type.Object({ from: Type.String(), to: Type.String() })),
  available: Type.Object({ sms: Type.Boolean(), email: Type.Boolean() }, { description: 'channels this installation can send (SMS_URL, SMTP_URL)' }),
});

export async function notifyRoutes(app: App, deps: Deps) {
  const tags = ['notifications'];
  app.get('/api/me/notifications', { schema: { tags, security: Security, summary: 'Nhận thông báo qua SMS, thư điện tử: cài đặt của tôi', response: { 200: SettingsOut, ...Errors } } }, async (req) =>
    getSettings(deps, req.actor),
  );
  app.put('/api/me/notifications', { schema: { tags, security: Security, body: SettingsIn, summary: 'Đổi cách nhận thông báo (thay toàn bộ)', response: { 200: SettingsOut, ...Errors } } }, async (req) =>
    putSettings(deps, req.actor, req.body),
  );
}
