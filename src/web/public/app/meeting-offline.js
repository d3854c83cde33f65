// @ts-check
// A meeting's papers kept on this phone, so a leader reads them in a meeting room with no signal:
// opening the meeting page stores every paper (the files of each agenda item and the files of the
// documents it links) in the reader's own cache ("lt-docs", under the URL the reader opens), and
// the documents' details in the service worker's copy of API answers. Unlike the reader's "last 10
// opened", a meeting's papers stay until a few days after it ends (at most MEETINGS meetings);
// secret papers are listed by the server but never stored.
import { api, authHeaders } from './api.js';
import { DOC_CACHE } from './file-bytes.js';
/** @import { DocumentDetail, FileInfo, MeetingDetail, MeetingFile } from './types' */

const PINS = 'lt.meetingDocs';
const MEETINGS = 8;
const KEEP_AFTER_MS = 3 * 86400_000;

/** @typedef {{ endsAt: string, urls: string[] }} Pin */

/** @returns {Record<string, Pin>} */
function pins() {
  try {
    const v = JSON.parse(localStorage.getItem(PINS) ?? '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Every file URL a meeting keeps (the reader's own pruning leaves them). */
export const pinnedUrls = () => new Set(Object.values(pins()).flatMap((p) => p.urls ?? []));

/** Where the reader opens a meeting's own file. @param {string} meetingId @param {MeetingFile} f */
export const meetingFileUrl = (meetingId, f) => `/api/meetings/${meetingId}/files/${f.id}`;
/** Where the reader opens a document's file (as reader.js does). @param {string} documentId @param {FileInfo} f */
export const documentFileUrl = (documentId, f) => `/api/documents/${documentId}/files/${f.id}?v=${f.sha256}`;

/** A paper the server stores (a secret meeting's are listed by title only). @param {MeetingFile} f */
const storable = (f) => Boolean(f.sha256) && f.stored !== false;

/** Whether this meeting's papers were all stored on this phone. @param {string} meetingId */
export async function papersSaved(meetingId) {
  const pin = pins()[meetingId];
  if (!pin || !('caches' in window)) return false;
  const cache = await caches.open(DOC_CACHE);
  for (const url of pin.urls) if (!(await cache.match(url))) return false;
  return true;
}

/**
 * Stores every paper of the meeting not yet here, one file after the other (`onProgress(done,
 * total)`); returns how many papers it keeps. Throws when one could not be fetched (the next
 * opening tries again, the ones already stored are kept).
 * @param {MeetingDetail} detail
 * @param {(done: number, total: number) => void} onProgress
 * @param {() => boolean} stopped
 */
export async function savePapers(detail, onProgress, stopped) {
  if (!('caches' in window) || (detail.meeting.secrecy && detail.meeting.secrecy !== 'none')) return 0;
  const id = detail.meeting.id;
  /** @type {string[]} */
  const urls = [];
  for (const item of detail.meeting.agenda) {
    for (const f of item.files ?? []) if (storable(f)) urls.push(meetingFileUrl(id, f));
    for (const d of item.documents ?? []) {
      if (!d.readable) continue;
      // Through the service worker: its copy of this answer opens the document offline.
      /** @type {DocumentDetail} */
      const doc = await api(`/api/documents/${d.id}`);
      if (doc.document.secrecy && doc.document.secrecy !== 'none') continue;
      for (const f of doc.files) urls.push(documentFileUrl(d.id, f));
    }
  }
  const all = pins();
  all[id] = { endsAt: detail.meeting.endsAt ?? detail.meeting.startsAt, urls };
  localStorage.setItem(PINS, JSON.stringify(all));
  const cache = await caches.open(DOC_CACHE);
  let done = 0;
  onProgress(done, urls.length);
  for (const url of urls) {
    if (stopped()) return urls.length;
    if (!(await cache.match(url))) {
      // A prefetch: storing a linked document does not mark it read in the issuer's tracking.
      const res = await fetch(url, { headers: { ...authHeaders(), 'x-purpose': 'prefetch' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      await cache.put(url, new Response(blob, { headers: { 'content-type': res.headers.get('content-type') ?? 'application/pdf', 'content-length': String(blob.size) } }));
    }
    onProgress(++done, urls.length);
  }
  await prune();
  return urls.length;
}

/** Lets go of meetings ended days ago (and beyond the last MEETINGS), deleting their files unless still wanted. */
async function prune() {
  const all = pins();
  const now = Date.now();
  const ids = Object.keys(all).sort((a, b) => String(all[b]?.endsAt).localeCompare(String(all[a]?.endsAt)));
  const drop = ids.filter((mid, i) => i >= MEETINGS || now - Date.parse(all[mid]?.endsAt ?? '') > KEEP_AFTER_MS);
  if (drop.length === 0) return;
  /** @type {string[]} */
  const gone = [];
  for (const mid of drop) {
    gone.push(...(all[mid]?.urls ?? []));
    delete all[mid];
  }
  localStorage.setItem(PINS, JSON.stringify(all));
  const keep = new Set([...pinnedUrls(), .../** @type {string[]} */ (JSON.parse(localStorage.getItem('lt.docs') ?? '[]'))]);
  const cache = await caches.open(DOC_CACHE);
  for (const url of gone) if (!keep.has(url)) await cache.delete(url);
}
