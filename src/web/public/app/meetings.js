// @ts-check
// Lịch họp: the week's meetings for me and my unit (lịch công tác tuần), Monday to Sunday in Vietnam
// time — each day's meetings with time, title, place or link, host and my answer; previous / next
// week. The reminder banner and the notices of `meeting:invited` / `meeting:changed` live here too.
import { useEffect, useState } from 'preact/hooks';
import { api, hasRole } from './api.js';
import { getLang, t, vnToday } from './i18n.js';
import { on } from './live.js';
import { ErrorBox, html, Loading, toast, useResource } from './ui.js';
/** @import { Meeting, MeetingAnswer, MeetingPush } from './types' */

const VN = 7 * 3600_000;
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** HH:mm in Vietnam time. @param {string | null | undefined} iso */
export const hhmm = (iso) => (iso ? TIME.format(new Date(iso)) : '');
/** The Vietnam calendar day (YYYY-MM-DD) of an instant. @param {string} iso */
export const vnDay = (iso) => new Date(Date.parse(iso) + VN).toISOString().slice(0, 10);
/** `day` + n days. @param {string} day @param {number} n */
export const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
/** The Monday of the week of `day`. @param {string} day */
export const monday = (day) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
/** dd/MM. @param {string} day */
const ddmm = (day) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;
/** Thứ Hai 30/11. @param {string} day */
export const dayName = (day) => `${t(`mt.day${(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7}`)} ${ddmm(day)}`;
/** "08:00–10:00". @param {{ startsAt: string, endsAt: string | null }} m */
export const timeRange = (m) => `${hhmm(m.startsAt)}${m.endsAt ? `–${hhmm(m.endsAt)}` : ''}`;

/** The caller's answer as a badge ("Chưa trả lời" when invited and not yet answered). @param {{ answer: MeetingAnswer | null | undefined }} props */
export function AnswerBadge({ answer }) {
  if (answer === undefined) return null;
  const key = answer ?? 'none';
  return html`<span class=${`badge badge-answer badge-answer-${key}`} data-answer=${key}>${t(`mt.answer.${key}`)}</span>`;
}

/** @param {{ week?: string }} props `week`: any day of the week to show (YYYY-MM-DD), this week by default */
export function MeetingsWeek({ week }) {
  const today = vnToday();
  const start = monday(/^\d{4}-\d{2}-\d{2}$/.test(week ?? '') ? /** @type {string} */ (week) : today);
  const end = addDays(start, 7);
  const from = new Date(Date.parse(`${start}T00:00:00Z`) - VN).toISOString();
  const to = new Date(Date.parse(`${end}T00:00:00Z`) - VN).toISOString();
  const { data, error, loading, reload } = useResource(
    () => /** @type {Promise<{ items: Meeting[] }>} */ (api(`/api/meetings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)),
    [start],
  );
  useEffect(() => {
    /** @type {Array<'meeting:invited' | 'meeting:changed' | 'meeting:reminder' | 'meeting:updated' | 'synced'>} */
    const names = ['meeting:invited', 'meeting:changed', 'meeting:reminder', 'meeting:updated', 'synced'];
    const offs = names.map((n) => on(n, () => reload()));
    return () => offs.forEach((off) => off());
  }, [start]);
  const days = Array.from({ length: 7 }, (_, i) => addDays(start, i));
  const meetings = [...(data?.items ?? [])].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const byDay = (/** @type {string} */ day) => meetings.filter((m) => vnDay(m.startsAt) === day);
  const weekHref = (/** @type {number} */ n) => `#/meetings?week=${addDays(start, 7 * n)}`;
  return html`<section class="view meetings" aria-labelledby="meetings-title" data-week=${start}>
    <div class="view-head">
      <h1 id="meetings-title">${t('mt.title')}</h1>
      ${hasRole('leader', 'clerk') && html`<a class="btn btn-small btn-primary" href="#/meetings/new">${t('mt.new')}</a>`}
    </div>
    <div class="week-nav" role="group" aria-label=${t('mt.weekNav')}>
      <a class="btn btn-small" href=${weekHref(-1)} aria-label=${t('mt.prevWeekLabel')}>‹ ${t('mt.prevWeek')}</a>
      <span class="week-label" aria-live="polite">${t('mt.week', { from: ddmm(start), to: `${ddmm(addDays(start, 6))}/${addDays(start, 6).slice(0, 4)}` })}</span>
      <a class="btn btn-small" href=${weekHref(1)} aria-label=${t('mt.nextWeekLabel')}>${t('mt.nextWeek')} ›</a>
    </div>
    ${monday(today) !== start && html`<p class="week-today"><a class="btn btn-link" href="#/meetings">${t('mt.thisWeek')}</a></p>`}
    <${ErrorBox} error=${error} onRetry=${reload} />
    ${!data && loading && html`<${Loading} />`}
    ${data && meetings.length === 0 && html`<p class="muted">${t('mt.emptyWeek')}</p>`}
    ${data && meetings.length > 0 && html`<ol class="week" data-list="meetings">
      ${days.map((day) => {
        const list = byDay(day);
        if (list.length === 0) return null;
        return html`<li class="week-day" key=${day} data-day=${day}>
          <h2 class=${`day-head ${day === today ? 'day-today' : ''}`}>${dayName(day)}${day === today ? ` · ${t('mt.today')}` : ''}</h2>
          <ul class="list">${list.map((m) => html`<li key=${m.id}><${MeetingCard} m=${m} /></li>`)}</ul>
        </li>`;
      })}
    </ol>`}
  </section>`;
}

/** @param {{ m: Meeting }} props */
function MeetingCard({ m }) {
  const cancelled = m.status === 'cancelled';
  return html`<a class=${`card meeting-item ${cancelled ? 'meeting-cancelled' : ''}`} href=${`#/meetings/${m.id}`} data-meeting=${m.id}>
    <span class="meeting-time">${timeRange(m)}${cancelled ? html` <span class="badge badge-cancelled">${t('mt.cancelled')}</span>` : ''}</span>
    <span class="doc-subject">${m.title}</span>
    ${(m.place || m.link) && html`<span class="doc-meta">${m.place ?? ''}${m.place && m.link ? ' · ' : ''}${m.link ? t('mt.online') : ''}</span>`}
    ${m.hostUnit?.name && html`<span class="doc-meta">${t('mt.host')}: ${m.hostUnit.name}</span>`}
    <span class="doc-badges">${m.role === 'host'
      ? html`<span class="badge" data-role="host">${t('mt.hosting')}</span>${m.answers && html` <span class="badge badge-answer-yes">${t('mt.answersYes', { n: m.answers.yes, total: m.participants ?? 0 })}</span>`}`
      : html`<${AnswerBadge} answer=${m.myAnswer} />`}</span>
  </a>`;
}

/**
 * The notices of meetings, on every screen: a toast when invited or when a meeting changes, and a
 * banner that stays for a reminder (the day before, an hour before) until closed or opened.
 */
export function MeetingBanner() {
  const [reminder, setReminder] = useState(/** @type {(MeetingPush & { kind?: string }) | null} */ (null));
  useEffect(() => {
    const offs = [
      on('meeting:invited', (p) => p.live && toast(t('mt.invitedToast', { title: p.title, at: `${hhmm(p.startsAt)} ${dayName(vnDay(p.startsAt))}` }))),
      on('meeting:changed', (p) => p.live && toast(t(p.status === 'cancelled' ? 'mt.cancelledToast' : 'mt.changedToast', { title: p.title }))),
      on('meeting:reminder', (p) => {
        // A reminder replayed after the meeting began is no longer news.
        if (!p.live && Date.parse(p.startsAt) < Date.now()) return;
        setReminder(p);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, []);
  if (!reminder) return null;
  const when = `${hhmm(reminder.startsAt)} ${dayName(vnDay(reminder.startsAt))}`;
  return html`<div class="meeting-banner" role="alert" data-reminder=${reminder.meetingId} lang=${getLang()}>
    <p><strong>${t(reminder.kind === 'hour' ? 'mt.reminderHour' : 'mt.reminder')}</strong> ${reminder.title} — ${when}</p>
    <div class="row">
      <a class="btn btn-small btn-primary" href=${`#/meetings/${reminder.meetingId}`} onClick=${() => setReminder(null)}>${t('mt.open')}</a>
      <button type="button" class="btn btn-small" onClick=${() => setReminder(null)}>${t('close')}</button>
    </div>
  </div>`;
}
