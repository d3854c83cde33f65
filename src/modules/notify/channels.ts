import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Config } from '../../config.js';

/** The outcome of one attempt: sent, worth retrying (gateway down, 5xx, 429), or refused for good (other 4xx). */
export type Outcome = { ok: true } | { ok: false; retry: boolean; error: string };

const TIMEOUT_MS = 15_000;

type SmsConfig = NonNullable<Config['sms']>;

/** How a template value is escaped: by where it goes (URL) or the body's content type (JSON, form, plain). */
function escaperFor(contentType: string | undefined): (v: string) => string {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('json')) return (v) => JSON.stringify(v).slice(1, -1);
  if (ct.includes('x-www-form-urlencoded')) return (v) => encodeURIComponent(v);
  if (ct.includes('xml')) return (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return (v) => v;
}

const fill = (template: string, values: Record<string, string>, escape: (v: string) => string) =>
  template.replace(/\{(phone|phoneLocal|text|id)\}/g, (_, k: string) => escape(values[k] ?? ''));

/**
 * The HTTP request the configured SMS gateway expects (the shape Vietnamese brandname gateways
 * use: a URL, a method, headers with the account's key, a body template). `{phone}` is the number
 * in international form without "+" (84912345678), `{phoneLocal}` as written (0912345678), `{text}`
 * the message and `{id}` the notification's id (a gateway that deduplicates by a client reference
 * can be given it). A body without a Content-Type header that starts with "{" is sent as JSON.
 */
export function smsRequest(cfg: SmsConfig, msg: { phone: string; text: string; id: string }): { url: string; init: RequestInit } {
  const values = { phone: `84${msg.phone.slice(1)}`, phoneLocal: msg.phone, text: msg.text, id: msg.id };
  const headers: Record<string, string> = { ...cfg.headers };
  let contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (cfg.body && !contentType) {
    contentType = cfg.body.trimStart().startsWith('{') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
    headers['Content-Type'] = contentType;
  }
  const url = fill(cfg.url, values, encodeURIComponent);
  const body = cfg.body === null ? undefined : fill(cfg.body, values, escaperFor(contentType));
  return { url, init: { method: cfg.method, headers, ...(body === undefined ? {} : { body }) } };
}

export async function sendSms(cfg: SmsConfig, msg: { phone: string; text: string; id: string }): Promise<Outcome> {
  const { url, init } = smsRequest(cfg, msg);
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const answer = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { ok: true };
    return { ok: false, retry: res.status >= 500 || res.status === 429 || res.status === 408, error: `gateway answered ${res.status}${answer ? `: ${answer}` : ''}` };
  } catch (err) {
    return { ok: false, retry: true, error: `gateway unreachable: ${(err as Error).message}` };
  }
}

let transport: { url: string; t: Transporter } | null = null;

export async function sendEmail(cfg: NonNullable<Config['mail']>, msg: { to: string; subject: string; text: string; id: string }): Promise<Outcome> {
  if (transport?.url !== cfg.url) {
    transport = { url: cfg.url, t: nodemailer.createTransport({ url: cfg.url, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS } as SMTPTransport.Options) };
  }
  try {
    // The notification's id as the Message-ID: a resent copy is recognisable as the same message.
    await transport.t.sendMail({ from: cfg.from, to: msg.to, subject: msg.subject, text: msg.text, messageId: `<${msg.id}@lienthong>` });
    return { ok: true };
  } catch (err) {
    const e = err as Error & { responseCode?: number };
    // 5xx SMTP replies are permanent (no such mailbox …); 4xx and connection errors are worth retrying.
    return { ok: false, retry: !(e.responseCode && e.responseCode >= 500), error: e.message.slice(0, 300) };
  }
}
