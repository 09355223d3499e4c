// Fourier cropping against a direct DFT (numpy irfft2(crop(rfft2)) semantics), band-limited
// cosines as an independent oracle, identity at the same size, and mean preservation; rows fed in
// bands (as a micrograph is read) give the whole image's numbers bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FourierCropper, fourierCrop, signedFrequency } from '../../src/image/fourier-crop.js';
import { makeImage } from '../../src/image/image.js';
import type { Image2D } from '../../src/image/image.js';

/** Direct O(N²) reference: Y = 1/(HW) Σ_kx m(kx) Re(Σ_ky X̂[ky,kx] e^{2πi(ky y/h + kx x/w)}). */
function referenceCrop(img: Image2D, w: number, h: number): Float64Array {
  const { width: W, height: H, data } = img;
  const bins = Math.floor(w / 2) + 1;
  const re = new Float64Array(h * bins);
  const im = new Float64Array(h * bins);
  for (let r = 0; r < h; r++) {
    const ky = signedFrequency(r, h);
    for (let kx = 0; kx < bins; kx++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const a = -2 * Math.PI * ((ky * y) / H + (kx * x) / W);
          sr += data[y * W + x]! * Math.cos(a);
          si += data[y * W + x]! * Math.sin(a);
        }
      }
      re[r * bins + kx] = sr;
      im[r * bins + kx] = si;
    }
  }
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let kx = 0; kx < bins; kx++) {
        const m = kx === 0 || (w % 2 === 0 && kx === w / 2) ? 1 : 2;
        let sr = 0;
        for (let r = 0; r < h; r++) {
          const a = 2 * Math.PI * ((signedFrequency(r, h) * y) / h + (kx * x) / w);
          sr += re[r * bins + kx]! * Math.cos(a) - im[r * bins + kx]! * Math.sin(a);
        }
        acc += m * sr;
      }
      out[y * w + x] = acc / (W * H);
    }
  }
  return out;
}

function randomImage(W: number, H: number, seed: number): Image2D {
  let s = seed + 1;
  const d = new Float32Array(W * H).map(() => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 * 10 - 3;
  });
  return makeImage(W, H, d);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('Fourier crop equals the direct DFT for odd, even and mixed sizes', () => {
  const cases: Array<[number, number, number, number]> = [
    [7, 5, 3, 2], [8, 6, 4, 3], [9, 9, 5, 5], [12, 10, 5, 4], [16, 16, 8, 8], [10, 15, 7, 6], [6, 7, 6, 7], [5, 4, 1, 1], [1, 6, 1, 3],
  ];
  for (const [W, H, w, h] of cases) {
    const img = randomImage(W, H, W * 100 + H);
    const got = fourierCrop(img, w, h);
    assert.equal(got.width, w);
    assert.equal(got.height, h);
    const diff = maxAbsDiff(got.data, referenceCrop(img, w, h));
    assert.ok(diff < 1e-4, `${W}x${H} -> ${w}x${h}: max difference ${diff}`);
  }
});

test('property: Fourier crop matches the direct DFT for random small shapes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 11 }),
      fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1000),
      (W, H, fw, fh, seed) => {
        const w = Math.max(1, Math.ceil(W * fw));
        const h = Math.max(1, Math.ceil(H * fh));
        const img = randomImage(W, H, seed);
        assert.ok(maxAbsDiff(fourierCrop(img, w, h).data, referenceCrop(img, w, h)) < 1e-4);
      },
    ),
    { numRuns: 60 },
  );
});

test('property: cropping to the same size is the identity (odd and even sizes)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(1000), (W, H, seed) => {
      const img = randomImage(W, H, seed);
      assert.ok(maxAbsDiff(fourierCrop(img, W, H).data, img.data) < 1e-5);
    }),
    { numRuns: 50 },
  );
});

test('property: the mean is preserved for any output size', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }),
      fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.nat(1000),
      (W, H, fw, fh, seed) => {
        const img = randomImage(W, H, seed);
        const out = fourierCrop(img, Math.max(1, Math.round(W * fw)), Math.max(1, Math.round(H * fh)));
        const mean = (d: Float32Array) => d.reduce((a, b) => a + b, 0) / d.length;
        assert.ok(Math.abs(mean(out.data) - mean(img.data)) < 1e-4);
      },
    ),
    { numRuns: 80 },
  );
});

test('a band-limited cosine is resampled exactly, also for non-power-of-two sizes', () => {
  for (const [W, H, w, h, u, v] of [[300, 250, 97, 81, 7, -11], [256, 192, 100, 75, 30, 20], [4096 / 16, 90, 64, 45, -5, 3]] as const) {
    const data = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) data[y * W + x] = 2 + 1.5 * Math.cos(2 * Math.PI * ((u * x) / W + (v * y) / H) + 0.3);
    }
    const out = fourierCrop(makeImage(W, H, data, 1.25), w, h);
    let err = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const expected = 2 + 1.5 * Math.cos(2 * Math.PI * ((u * x) / w + (v * y) / h) + 0.3);
        err = Math.max(err, Math.abs(out.data[y * w + x]! - expected));
      }
    }
    assert.ok(err < 1e-4, `${W}x${H} -> ${w}x${h}: max error ${err}`);
    assert.ok(Math.abs(out.pixelSizeA! - (1.25 * W) / w) < 1e-12);
  }
});

test('Fourier crop rejects an output larger than the input', () => {
  const img = randomImage(8, 8, 1);
  assert.throws(() => fourierCrop(img, 9, 8), RangeError);
  assert.throws(() => fourierCrop(img, 4, 0), RangeError);
  assert.throws(() => fourierCrop(img, 2.5, 2), RangeError);
});

test('FourierCropper fed bands of any size equals cropping the whole image, bit for bit', () => {
  const lowpass = (fx: number, fy: number): number => Math.exp(-8 * (fx * fx + fy * fy));
  // power-of-two widths use the real FFT row by row, other widths pair rows in one Bluestein transform
  for (const [W, H, w, h] of [[64, 37, 16, 9], [45, 40, 20, 13], [33, 21, 33, 21]] as const) {
    const img = randomImage(W, H, W + H);
    for (const filter of [undefined, lowpass]) {
      const whole = fourierCrop(img, w, h, filter);
      for (const band of [1, 2, 3, 16, 17, H]) {
        const cropper = new FourierCropper(W, H, w, h);
        for (let y = 0; y < H; y += band) {
          const n = Math.min(band, H - y);
          const rows = new Float32Array(band * W); // a reused, larger buffer: only n rows are read
          rows.set(img.data.subarray(y * W, (y + n) * W));
          assert.throws(() => new FourierCropper(W, H, w, h).result(), /rows added/);
          cropper.addRows(rows, n);
        }
        const got = cropper.result(filter, img.pixelSizeA);
        assert.deepEqual([got.width, got.height, got.pixelSizeA], [whole.width, whole.height, whole.pixelSizeA]);
        assert.deepEqual(got.data, whole.data, `${W}x${H} -> ${w}x${h}, bands of ${band}, ${filter ? 'filtered' : 'plain'}`);
      }
    }
  }
  const full = new FourierCropper(8, 4, 4, 2);
  full.addRows(randomImage(8, 4, 2).data, 4);
  assert.throws(() => full.addRows(new Float32Array(8), 1), /5 rows added to a 4-row image/);
  const short = new FourierCropper(8, 4, 4, 2);
  short.addRows(randomImage(8, 3, 2).data, 3);
  assert.throws(() => short.result(), /3 of 4 rows added/);
});
