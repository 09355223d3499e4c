// Test helper: a byte-by-byte baseline TIFF encoder (uncompressed, one strip per page), used as
// an independent oracle for the geotiff-based reader. Not a test file itself.

export type SampleKind = 'uint8' | 'uint16' | 'int16' | 'float32';
const KIND = { uint8: [8, 1], uint16: [16, 1], int16: [16, 2], float32: [32, 3] } as const;

/** Builds an uncompressed, single-strip-per-page baseline TIFF. `pages[p]` holds width*height*spp samples. */
export function buildTiff(width: number, height: number, pages: readonly number[][], kind: SampleKind, le = true, spp: 1 | 3 = 1): Uint8Array {
  const [bits, format] = KIND[kind];
  const bps = bits / 8;
  const chunks: Uint8Array[] = [];
  let pos = 8;
  const header = new Uint8Array(8);
  const hv = new DataView(header.buffer);
  header.set(le ? [0x49, 0x49] : [0x4d, 0x4d]);
  hv.setUint16(2, 42, le);
  chunks.push(header);
  const ifdOffsets: number[] = [];
  const ifdPatches: { view: DataView; at: number }[] = [];
  for (const samples of pages) {
    const data = new Uint8Array(width * height * spp * bps);
    const dv = new DataView(data.buffer);
    samples.forEach((v, i) => {
      if (kind === 'uint8') dv.setUint8(i, v);
      else if (kind === 'uint16') dv.setUint16(2 * i, v, le);
      else if (kind === 'int16') dv.setInt16(2 * i, v, le);
      else dv.setFloat32(4 * i, v, le);
    });
    const dataOffset = pos;
    chunks.push(data);
    pos += data.length + (data.length % 2);
    if (data.length % 2) chunks.push(new Uint8Array(1));
    const arrays = new Uint8Array(spp > 1 ? 12 : 0); // BitsPerSample[3] and SampleFormat[3] for RGB
    const av = new DataView(arrays.buffer);
    const arraysOffset = pos;
    if (spp > 1) for (let i = 0; i < 3; i++) { av.setUint16(2 * i, bits, le); av.setUint16(6 + 2 * i, format, le); }
    chunks.push(arrays);
    pos += arrays.length;
    const entries: [number, number, number, number][] = [ // tag, type (3 short, 4 long), count, value
      [256, 4, 1, width], [257, 4, 1, height], [258, 3, spp, spp > 1 ? arraysOffset : bits], [259, 3, 1, 1],
      [262, 3, 1, spp > 1 ? 2 : 1], [273, 4, 1, dataOffset], [277, 3, 1, spp], [278, 4, 1, height],
      [279, 4, 1, data.length], [284, 3, 1, 1], [339, 3, spp, spp > 1 ? arraysOffset + 6 : format],
    ];
    const ifd = new Uint8Array(2 + 12 * entries.length + 4);
    const iv = new DataView(ifd.buffer);
    iv.setUint16(0, entries.length, le);
    entries.forEach(([tag, type, count, value], i) => {
      const at = 2 + 12 * i;
      iv.setUint16(at, tag, le);
      iv.setUint16(at + 2, type, le);
      iv.setUint32(at + 4, count, le);
      if (type === 3 && count === 1) iv.setUint16(at + 8, value, le);
      else iv.setUint32(at + 8, value, le);
    });
    ifdOffsets.push(pos);
    ifdPatches.push({ view: iv, at: ifd.length - 4 });
    chunks.push(ifd);
    pos += ifd.length;
  }
  hv.setUint32(4, ifdOffsets[0] ?? 0, le);
  ifdPatches.forEach((p, i) => p.view.setUint32(p.at, ifdOffsets[i + 1] ?? 0, le));
  const out = new Uint8Array(pos);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}
