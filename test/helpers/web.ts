import { pdfFromObjects } from './pdf.js';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); playwright-core drives it, nothing is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = () => fs.existsSync(CHROMIUM);
export const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'artifacts');
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };

/**
 * `phoneAutoplay`: no sound in a page before a tap in it (as a phone opening the app), instead of
 * the tests' usual "always allowed". (Headless chromium plays sound under "user-gesture-required";
 * "document-user-activation-required" holds.)
 */
export async function launch(o: { phoneAutoplay?: boolean } = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync', o.phoneAutoplay ? '--autoplay-policy=document-user-activation-required' : '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Console errors and uncaught exceptions of a page, except while `paused()` (the offline part). */
export function watchErrors(page: Page, who: string, sink: string[], paused: () => boolean) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !paused()) sink.push(`${who}: ${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => sink.push(`${who}: uncaught ${e.message}`));
}

/** The JavaScript a page downloads, gzip-compressed (what a phone transfers) — counted from the responses. */
export function countScripts(page: Page) {
  const bodies: Array<Promise<{ url: string; gz: number }>> = [];
  const listener = (res: import('playwright-core').Response) => {
    const type = res.request().resourceType();
    if (type === 'script' || /\.m?js(\?|$)/.test(res.url())) {
      bodies.push(res.body().then((b) => ({ url: res.url(), gz: gzipSync(b, { level: 9 }).length }), () => ({ url: res.url(), gz: 0 })));
    }
  };
  page.on('response', listener);
  return async () => {
    page.off('response', listener);
    const all = await Promise.all(bodies);
    return { files: all, total: all.reduce((s, f) => s + f.gz, 0) };
  };
}

/** How many pixels of the first canvas are not (near) white. */
export function inkedPixels(page: Page, selector = 'canvas.pdf-canvas'): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200)) n++;
    return n;
  });
}

/**
 * Lighthouse-style basics on what is on screen: every button/link-button and image has an
 * accessible name, every form field a label, text contrast ≥ 4.5:1 (3:1 for large text), text
 * ≥ 16 px, touch targets ≥ 44 px high, and no horizontal scrolling.
 */
export function audit(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const problems = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const name = (el) => (el.getAttribute('aria-label') ?? '').trim()
      || (el.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('').trim()
      || (el.textContent ?? '').trim() || (el.getAttribute('title') ?? '').trim();
    const describe = (el) => \`\${el.tagName.toLowerCase()}\${el.className && typeof el.className === 'string' ? \`.\${el.className.split(' ').join('.')}\` : ''} "\${(el.textContent ?? '').trim().slice(0, 40)}"\`;
    for (const el of document.querySelectorAll('button, [role="button"], a.btn, .nav-item')) {
      if (visible(el) && !name(el)) problems.push(\`no accessible name: \${describe(el)}\`);
      if (visible(el) && el.getBoundingClientRect().height < 44) problems.push(\`touch target < 44 px: \${describe(el)}\`);
    }
    for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) problems.push(\`img without alt: \${el.getAttribute('src')}\`);
    for (const el of document.querySelectorAll('svg[role="img"], canvas[role="img"]')) if (!name(el)) problems.push(\`graphic without a name: \${describe(el)}\`);
    for (const el of document.querySelectorAll('input, select, textarea')) {
      const input = el;
      if (input.type === 'hidden' || !visible(el)) continue;
      if (!(input.labels && input.labels.length) && !name(el)) problems.push(\`field without label: \${describe(el)}\`);
    }
    const rgb = (c) => (c.match(/[0-9.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
      if (!own || !visible(el) || el.disabled || el.closest('[disabled]')) continue;
      const s = getComputedStyle(el);
      const size = parseFloat(s.fontSize);
      if (size < 16) problems.push(\`text \${size}px < 16px: \${describe(el)}\`);
      const [a, b] = [lum(rgb(s.color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(\`contrast \${ratio.toFixed(2)}: \${describe(el)} (\${s.color} on \${background(el).join(',')})\`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(\`horizontal scroll: \${document.documentElement.scrollWidth} > \${window.innerWidth}\`);
    return problems;
  })()`) as Promise<string[]>;
}

/**
 * A two-page PDF whose page 1 is small and drawn at the start of the file and whose page 2
 * carries `pad` bytes: reading page 1 with Range requests needs only a few chunks.
 */
export function twoPagePdf(title: string, pad: number): Buffer {
  const page1 = `0.05 0.24 0.47 rg 50 700 495 60 re f BT /F1 28 Tf 60 640 Td (${title.replace(/[()\\]/g, '')}) Tj ET BT /F1 14 Tf 60 600 Td (Trang 1 - lienthong) Tj ET`;
  const page2 = `BT /F1 14 Tf 60 760 Td (Trang 2) Tj ET\n%${'x'.repeat(pad)}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(page1)} >>\nstream\n${page1}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(page2)} >>\nstream\n${page2}\nendstream`,
  ];
  return pdfFromObjects(objects);
}
