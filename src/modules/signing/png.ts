/** Width, height and whether a PNG can be transparent, read from its header; null if it is not a PNG. */
export function pngInfo(buf: Buffer): { width: number; height: number; transparent: boolean } | null {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(sig) || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colorType = buf[25]!;
  // Colour types 4 and 6 carry alpha; others are transparent only with a tRNS chunk.
  const transparent = colorType === 4 || colorType === 6 || buf.includes(Buffer.from('tRNS', 'latin1'));
  if (width === 0 || height === 0 || width > 4000 || height > 4000) return null;
  return { width, height, transparent };
}
