import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA PNG whose pixels come from `pixel(x, y)` → [r, g, b, a]. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A demo red seal: two rings and a five-pointed star on a transparent ground (not any real seal). */
export function demoSealPng(size = 240): Buffer {
  const c = size / 2;
  const star: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => {
    const r = (i % 2 === 0 ? 0.34 : 0.14) * size;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return [c + r * Math.cos(a), c + r * Math.sin(a)];
  });
  const inStar = (x: number, y: number) => {
    let inside = false;
    for (let i = 0, j = star.length - 1; i < star.length; j = i++) {
      const [xi, yi] = star[i]!;
      const [xj, yj] = star[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  return encodePng(size, size, (x, y) => {
    const r = Math.hypot(x - c, y - c);
    const ring = (r > c * 0.9 && r < c * 0.98) || (r > c * 0.78 && r < c * 0.81);
    return ring || inStar(x, y) ? [200, 16, 32, 235] : [0, 0, 0, 0];
  });
}

/** A demo handwritten-looking signature: a blue flourish on a transparent ground. */
export function demoSignaturePng(seed: number, width = 360, height = 120): Buffer {
  const f = (x: number) => height / 2 + Math.sin(x / (18 + (seed % 7))) * height * 0.22 + Math.sin(x / 7 + seed) * height * 0.08 - (x / width) * height * 0.15;
  return encodePng(width, height, (x, y) => {
    const inStroke = x > width * 0.06 && x < width * 0.94 && Math.abs(y - f(x)) < 3.2;
    const underline = x > width * 0.3 && x < width * 0.9 && Math.abs(y - height * 0.85) < 1.6;
    return inStroke || underline ? [20, 40, 170, 255] : [0, 0, 0, 0];
  });
}
