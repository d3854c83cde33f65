// The reader for older eyes (issue 14), at 390 px against the real app: page 1 comes first as the
// server's page image; the zoom buttons change the drawn scale (beyond the image pdf.js draws it);
// "Chữ lớn" shows the file's text in large type; in landscape (844×390) the bars are hidden; at 200 %
// text size no button breaks inside a word and nothing scrolls sideways; every control of the
// reader, the disabled "Trang trước" included, has ≥ 4.5:1 contrast (computed in the page).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { buildTestEnv } from './helpers/app.js';
import { listen } from './helpers/sockets.js';
import { hasChromium, launch, PHONE, watchErrors } from './helpers/web.js';
import { district, issue, login, shot } from './helpers/web-world.js';
import { pdfFromObjects } from './helpers/pdf.js';

const skip = hasChromium() ? false : 'Debian chromium is not installed (apt-get install -y chromium): browser tests skipped';

/** A two-page text PDF: lines of body text in 10 pt, as a công văn prints them. */
function letterPdf(): Buffer {
  const lines = (page: number) => Array.from({ length: 30 }, (_, i) => `BT /F1 10 Tf 60 ${760 - i * 18} Td (Dong ${i + 1} trang ${page}: chu nho kho doc tren dien thoai) Tj ET`).join('\n');
  const [p1, p2] = [lines(1), lines(2)];
  return pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${p1.length} >>\nstream\n${p1}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${p2.length} >>\nstream\n${p2}\nendstream`,
  ]);
}

/** Contrast of every visible control in the reader's toolbar and page bar, disabled ones included. */
const contrasts = (page: Page) => page.evaluate(() => {
  const rgb = (c: string) => (c.match(/[0-9.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]: number[]) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const background = (el: Element | null) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3]! > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('.pdf button, .pdf .pdf-zoom, .pdf .pdf-page')].map((el) => {
    const s = getComputedStyle(el);
    // Opacity multiplies down the tree: a see-through control is blended with what is behind it.
    let alpha = 1;
    for (let e: Element | null = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
    const bg = background(el);
    const fg = rgb(s.color).slice(0, 3).map((v, i) => v * alpha + bg[i]! * (1 - alpha));
    const [a, b] = [lum(fg), lum(bg)];
    return { text: (el.textContent ?? '').trim() || el.getAttribute('aria-label'), disabled: (el as HTMLButtonElement).disabled ?? false, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
  });
});

/** For each button of the reader: how many lines its text takes. */
const buttonLines = (page: Page) => page.evaluate(() => [...document.querySelectorAll('.pdf button')].map((el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  const s = getComputedStyle(el);
  const px = (v: string) => parseFloat(v) || 0;
  // The height of the button with one line of text (or its minimum height).
  const oneLine = Math.max(px(s.minHeight), px(s.lineHeight) + px(s.paddingTop) + px(s.paddingBottom) + px(s.borderTopWidth) + px(s.borderBottomWidth));
  return { text: (el.textContent ?? '').trim(), lines: tops.size, height: el.getBoundingClientRect().height, oneLine };
}));

const canvasWidth = (page: Page) => page.$eval('canvas.pdf-canvas', (c) => c.getBoundingClientRect().width);

test('the reader at 390 px: page image first, zoom buttons, Chữ lớn, landscape, 200 % text, contrast', { skip, timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t, { textExtraction: true }, { realClock: true });
  const base = await listen(env);
  const d = await district(env);
  const doc = await issue(env, { clerk: d.clerk, recipients: [d.sonTay.id], subject: 'Về việc đọc văn bản trên điện thoại', files: [letterPdf()] });
  const browser = await launch();
  t.after(() => browser.close());
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors: string[] = [];
  watchErrors(page, 'official', errors, () => false);
  await login(page, base, 'canbo.sontay');
  const images: string[] = [];
  page.on('response', (r) => void (/\/pages\/\d+\.jpg/.test(r.url()) && images.push(r.url())));
  await page.evaluate((id) => (location.hash = `#/documents/${id}`), doc.id);
  const pdf = page.locator('.pdf');
  await page.locator('.pdf[data-drawn="image:1:1"]').waitFor({ timeout: 20_000 });
  assert.match(images[0] ?? '', /\/pages\/1\.jpg\?width=720&v=[0-9a-f]{64}$/, 'a 720 px image for a 390 px screen at DPR 2');
  assert.equal(await page.getByText('Trang 1/2').count(), 1, 'the page count from the image response');

  // Zoom: each button changes the drawn scale; beyond the image's pixels pdf.js draws the page.
  const fit = await canvasWidth(page);
  assert.ok(fit > 300 && fit <= 390, `fit width ${fit}`);
  await page.getByRole('button', { name: 'Phóng to' }).click();
  await page.locator('.pdf[data-zoom="1.25"]').waitFor();
  await page.waitForFunction((w) => document.querySelector('canvas.pdf-canvas')!.getBoundingClientRect().width > w * 1.2, fit);
  assert.equal(await pdf.getAttribute('data-mode'), 'pdf', 'beyond the 720 px image: pdf.js');
  await page.locator('.pdf[data-drawn="pdf:1:1.25"]').waitFor({ timeout: 20_000 });
  const zoomed = await page.$eval('canvas.pdf-canvas', (c) => ({ css: c.getBoundingClientRect().width, px: (c as HTMLCanvasElement).width }));
  assert.ok(Math.abs(zoomed.css - fit * 1.25) < 3, `1.25 × fit: ${zoomed.css}`);
  assert.ok(zoomed.px >= zoomed.css * 1.9, 'drawn at the device pixel ratio, sharp');
  await page.getByRole('button', { name: 'Phóng to' }).click();
  await page.waitForFunction((w) => Math.abs(document.querySelector('canvas.pdf-canvas')!.getBoundingClientRect().width - w * 1.5) < 3, fit);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true, 'the page scrolls inside its box, not the screen');
  await page.getByRole('button', { name: 'Vừa khổ' }).click();
  await page.waitForFunction((w) => Math.abs(document.querySelector('canvas.pdf-canvas')!.getBoundingClientRect().width - w) < 3, fit);
  await page.getByRole('button', { name: 'Thu nhỏ' }).click();
  await page.waitForFunction((w) => Math.abs(document.querySelector('canvas.pdf-canvas')!.getBoundingClientRect().width - w * 0.75) < 3, fit);
  await page.getByRole('button', { name: 'Vừa khổ' }).click();

  // Contrast of every control, the disabled "Trang trước" included.
  const prev = page.getByRole('button', { name: 'Trang trước' });
  assert.equal(await prev.isDisabled(), true);
  const ratios = await contrasts(page);
  t.diagnostic(`contrast: ${ratios.map((r) => `${r.text}${r.disabled ? ' (disabled)' : ''} ${r.ratio.toFixed(1)}`).join(', ')}`);
  assert.ok(ratios.some((r) => r.disabled && r.text === 'Trang trước'));
  for (const r of ratios) assert.ok(r.ratio >= 4.5, `${r.text}${r.disabled ? ' (disabled)' : ''}: contrast ${r.ratio.toFixed(2)} < 4.5`);
  await shot(page, 'reader-tools');

  // Page 2, then Chữ lớn: the text of the file (read by the text job) in large type.
  await page.getByRole('button', { name: 'Trang sau' }).click();
  await page.locator('.pdf[data-rendered="2"]').waitFor({ timeout: 20_000 });
  const textUrl = `/api/documents/${doc.id}/files/${(await (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: d.official.auth })).json()).files[0].id}/text`;
  for (let i = 0; i < 150; i++) {
    if ((await env.app.inject({ url: textUrl, headers: d.official.auth })).json().source === 'text') break;
    await sleep(200);
  }
  await page.getByRole('button', { name: 'Chữ lớn' }).click();
  const big = page.locator('.bigtext[data-bigtext="text"]');
  await big.waitFor({ timeout: 10_000 });
  assert.match(await big.innerText(), /Dong 1 trang 1: chu nho kho doc tren dien thoai[\s\S]*Dong 30 trang 2/);
  const size = await big.evaluate((el) => parseFloat(getComputedStyle(el.querySelector('p')!).fontSize));
  assert.ok(size >= 22, `large type: ${size}px`);
  assert.equal(await page.locator('.pdf-scroll').isHidden(), true, 'the page image gives way to the text');
  await page.getByRole('button', { name: 'Phóng to' }).click();
  await page.waitForFunction((s) => parseFloat(getComputedStyle(document.querySelector('.bigtext p')!).fontSize) > s * 1.2, size);
  await shot(page, 'reader-bigtext');
  await page.getByRole('button', { name: 'Vừa khổ' }).click();
  await page.getByRole('button', { name: 'Chữ lớn' }).click();
  await page.locator('.pdf-scroll').waitFor();

  // Landscape: the top bar and the bottom navigation step aside while reading; back in portrait they return.
  await page.setViewportSize({ width: 844, height: 390 });
  await page.waitForFunction(() => getComputedStyle(document.querySelector('header.top')!).display === 'none');
  assert.equal(await page.locator('nav.bottom').isHidden(), true);
  await shot(page, 'reader-landscape');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('nav.bottom').waitFor();
  assert.equal(await page.locator('header.top').isVisible(), true);

  // 200 % text size: buttons wrap as whole buttons, never inside a word; nothing scrolls sideways.
  await page.evaluate(() => (document.documentElement.style.fontSize = '34px'));
  await sleep(300);
  const lines = await buttonLines(page);
  t.diagnostic(`at 200 %: ${lines.map((b) => `${b.text} ${b.lines} line(s), ${Math.round(b.height)} px`).join('; ')}`);
  for (const b of lines) {
    if (!b.text.startsWith('⬇')) assert.equal(b.lines, 1, `"${b.text}" on one line at 200 % text size (${b.lines} lines)`);
  }
  for (const b of lines.filter((x) => ['Trang trước', 'Trang sau'].includes(x.text))) {
    assert.ok(b.height <= b.oneLine + 1, `${b.text}: ${b.height}px high, one line is ${b.oneLine}px`);
  }
  assert.equal(lines.filter((x) => ['Trang trước', 'Trang sau'].includes(x.text)).length, 2);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), true, 'no sideways scrolling at 200 %');
  await shot(page, 'reader-200');
  assert.deepEqual(errors, []);
});
