// Conformance: every real MRC and PNG file in ../shared/realdata is read and its key facts checked.
// Expected numbers were computed independently with NumPy from the raw bytes (np.frombuffer on the
// data block; PNGs decoded with a small zlib + unfilter script), not with this package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realFile, missingReason } from '../_paths.js';
import { readMrc, readMrcSection } from '../../src/io/mrc.js';
import { validateMrc } from '../../src/io/mrc-validate.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import type { MrcContents } from '../../src/io/mrc.js';

interface MrcFacts {
  readonly files: readonly string[]; // the plain file and its compressed copies
  readonly mode: number;
  readonly shape: readonly [number, number, number]; // width (X), height (Y), depth (Z) after reordering
  readonly axes: readonly [number, number, number];
  readonly pixelSizeA: number | undefined;
  readonly nsymbt: number;
  readonly header: readonly [number, number, number, number]; // dmin, dmax, dmean, rms as stored
  readonly data: readonly [number, number, number, number]; // min, max, mean, std of all pixels
  /** [z, y, x, value] samples in X-fastest order. */
  readonly samples: readonly (readonly [number, number, number, number])[];
  /** Problems validateMrc must report (one regex each, and no others). */
  readonly problems: readonly RegExp[];
}

const T = 'mrcfile/tests/test_data/';
const J = 'mrcfile-jl/test/testdata/';
const R = 'relion-tests/tests/';
const NVERSION = /nversion is 0, expected 20140 or 20141/;
const f = Math.fround;

const MRC_FILES: readonly MrcFacts[] = [
  {
    files: [`${T}EMD-3001.map`, `${T}emd_3001.map.gz`, `${T}EMD-3001.map.bz2`], mode: 2, shape: [43, 25, 73], axes: [3, 1, 2],
    pixelSizeA: f(17.93) / 40, nsymbt: 160,
    header: [-0.3681429624557495, 0.7216102480888367, 0.0005329666822949868, 0.15705723],
    data: [-0.3681429624557495, 0.7216102480888367, 0.0005329666822949868, 0.1570572211457582],
    samples: [[0, 0, 0, 0.04283447], [0, 0, 1, 0.037556887], [10, 5, 7, -0.03689827024936676]],
    problems: [NVERSION, /extended header of 160 bytes but exttyp is ''/],
  },
  {
    files: [`${T}EMD-3197.map`, `${T}emd_3197.map.gz`, `${T}EMD-3197.map.bz2`], mode: 2, shape: [20, 20, 20], axes: [1, 2, 3],
    pixelSizeA: 11.4, nsymbt: 0,
    header: [-4.1337457, 5.576737, 0.783612, 2.399953],
    data: [-4.1337456703186035, 5.576736927032471, 0.7836120336436434, 2.39995290849429],
    samples: [[0, 0, 0, -1.80130911], [0, 0, 1, -1.66185033], [19, 0, 3, -1.0118376016616821]],
    problems: [NVERSION],
  },
  {
    files: [`${J}emd_3001_f16.mrc`], mode: 12, shape: [73, 43, 25], axes: [1, 2, 3], pixelSizeA: f(32.722248) / 73, nsymbt: 0,
    header: [-0.3681429624557495, 0.7216102480888367, 0.0005329666822949868, 0.15705723],
    data: [-0.3681640625, 0.7216796875, 0.0005252015936256936, 0.15708256277458454],
    samples: [[0, 0, 0, 0.04284668], [3, 5, 10, -0.10845947265625]],
    problems: [NVERSION, /header dmin is/, /header dmax is/, /header rms is/],
  },
  {
    files: [`${J}emd_3197_f16.mrc`], mode: 12, shape: [20, 20, 20], axes: [1, 2, 3], pixelSizeA: 11.4, nsymbt: 0,
    header: [-4.1337457, 5.576737, 0.783612, 2.399953],
    data: [-4.1328125, 5.578125, 0.784110263466835, 2.4004228905294505],
    samples: [[0, 0, 0, -1.80175781], [3, 5, 10, 3.302734375]],
    problems: [NVERSION, /header dmin is/, /header dmax is/, /header dmean is/, /header rms is/],
  },
  {
    files: [`${J}emd_3001_proj.mrcs`], mode: 2, shape: [73, 43, 10], axes: [1, 2, 3], pixelSizeA: f(32.722248) / 73, nsymbt: 0,
    header: [-5.830302, 6.4634686, 0.00869915, 1.3846898],
    data: [-8.338001251220703, 11.45041561126709, 0.008699154817995054, 1.2869621944157938],
    samples: [[0, 0, 0, -0.02465302], [3, 5, 10, -0.02094435691833496]],
    // RELION stores one projection's min/max/rms in the stack header: a real inconsistency.
    problems: [NVERSION, /header dmin is -5\.83/, /header dmax is 6\.46/, /header rms is 1\.38/],
  },
  {
    files: [`${J}emd_3197_proj.mrcs`], mode: 2, shape: [20, 20, 10], axes: [1, 2, 3], pixelSizeA: 11.4, nsymbt: 0,
    header: [-21.96708, 60.695473, 18.924715, 13.4109745],
    data: [-60.21748733520508, 97.41138458251953, 18.92471495921281, 23.001409223574857],
    samples: [[0, 0, 0, 6.11757231], [3, 5, 10, 25.151201248168945]],
    problems: [NVERSION, /header dmin is/, /header dmax is/, /header rms is/],
  },
  {
    files: [`${R}ref_3D_ctf.mrc`], mode: 2, shape: [17, 32, 1], axes: [1, 2, 3], pixelSizeA: undefined, nsymbt: 0,
    header: [-0.9999401, 0.999858, 0.13112324, 0.7037944],
    data: [-0.9999400973320007, 0.999858021736145, 0.13112324554522808, 0.7037944446463557],
    samples: [[0, 0, 0, 0.1], [0, 0, 5, 0.49674636125564575], [0, 31, 16, -0.9566501379013062]],
    problems: [NVERSION],
  },
  ...['ref_shifted_image.mrc', 'ref_noCTF_shifted_image.mrc'].map((name): MrcFacts => ({
    files: [`${R}${name}`], mode: 2, shape: [32, 32, 1], axes: [1, 2, 3], pixelSizeA: undefined, nsymbt: 0,
    header: [-4.866553, 6.5352125, 0.13498671, 0.9436744],
    data: [-4.866552829742432, 6.535212516784668, 0.13498670919931044, 0.9436744133781217],
    samples: [[0, 0, 0, 0.09115605], [0, 0, 5, 0.08610309660434723], [0, 31, 31, 0.11860761046409607]],
    problems: [NVERSION],
  })),
];

function near(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function allStats(m: MrcContents): [number, number, number, number] {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (const im of m.images) for (const v of im.data) { min = Math.min(min, v); max = Math.max(max, v); sum += v; n++; }
  const mean = sum / n;
  let ss = 0;
  for (const im of m.images) for (const v of im.data) ss += (v - mean) ** 2;
  return [min, max, mean, Math.sqrt(ss / n)];
}

for (const facts of MRC_FILES) {
  for (const rel of facts.files) {
    const path = realFile(rel);
    test(`conformance: ${rel}`, path === undefined ? { skip: missingReason(rel) } : {}, async () => {
      if (path === undefined) return;
      const m = await readMrc(path);
      assert.deepEqual(m.warnings, []);
      assert.equal(m.mode, facts.mode);
      assert.deepEqual([m.width, m.height, m.depth], facts.shape);
      assert.deepEqual([m.header.mapc, m.header.mapr, m.header.maps], facts.axes);
      assert.equal(m.images.length, facts.shape[2]);
      if (facts.pixelSizeA === undefined) assert.equal(m.pixelSizeA, undefined);
      else near(m.pixelSizeA ?? NaN, facts.pixelSizeA, 1e-7, 'pixel size');
      assert.equal(m.extendedHeader.bytes, facts.nsymbt);
      const h = [m.header.dmin, m.header.dmax, m.header.dmean, m.header.rms];
      h.forEach((v, i) => near(v, facts.header[i] ?? NaN, 1e-6, `header stat ${i}`));
      allStats(m).forEach((v, i) => near(v, facts.data[i] ?? NaN, 1e-7, `data stat ${i}`));
      for (const [z, y, x, value] of facts.samples) near(m.images[z]?.data[y * m.width + x] ?? NaN, value, 1e-6, `pixel z${z} y${y} x${x}`);
      const lastZ = facts.shape[2] - 1;
      assert.deepEqual((await readMrcSection(path, lastZ)).image.data, m.images[lastZ]?.data, 'readMrcSection matches readMrc');
      const problems = await validateMrc(path);
      for (const re of facts.problems) assert.ok(problems.some((p) => re.test(p.message)), `${re} in ${JSON.stringify(problems)}`);
      assert.equal(problems.length, facts.problems.length, JSON.stringify(problems.map((p) => p.message)));
    });
  }
}

interface PngFacts {
  readonly sum: number;
  /** Pixels at (x=0,y=0), (x=200,y=100), (x=1023,y=1023), then min and max. */
  readonly probe: readonly [number, number, number, number, number];
}

const D = 'prompt-sam-cryoppp/dataset/10028/';
const PNG_FILES: Readonly<Record<string, PngFacts>> = {
  'test/images/311_10028.png': { sum: 99272157, probe: [51, 97, 99, 27, 160] },
  'test/images/312_10028.png': { sum: 99443477, probe: [84, 107, 92, 28, 180] },
  'test/images/313_10028.png': { sum: 89992856, probe: [93, 87, 81, 36, 176] },
  'test/images/314_10028.png': { sum: 86121333, probe: [122, 93, 84, 36, 133] },
  'test/images/315_10028.png': { sum: 95696484, probe: [81, 100, 91, 18, 148] },
  'train/images/061_10028.png': { sum: 103915355, probe: [126, 98, 88, 32, 186] },
  'train/images/062_10028.png': { sum: 85132354, probe: [61, 69, 74, 30, 142] },
  'train/images/063_10028.png': { sum: 85343681, probe: [103, 70, 86, 33, 155] },
  'train/images/064_10028.png': { sum: 104511152, probe: [126, 108, 100, 41, 174] },
  'valid/images/065_10028.png': { sum: 108338201, probe: [121, 93, 106, 30, 166] },
  'test/labels/311_10028.png': { sum: 57909705, probe: [0, 255, 0, 0, 255] },
  'test/labels/312_10028.png': { sum: 58361435, probe: [0, 255, 0, 0, 255] },
  'test/labels/313_10028.png': { sum: 61702791, probe: [0, 255, 0, 0, 255] },
  'test/labels/314_10028.png': { sum: 51055040, probe: [0, 0, 0, 0, 255] },
  'test/labels/315_10028.png': { sum: 51806144, probe: [0, 0, 0, 0, 255] },
  'train/labels/061_10028.png': { sum: 55890430, probe: [0, 0, 0, 0, 255] },
  'train/labels/062_10028.png': { sum: 46882372, probe: [0, 0, 0, 0, 255] },
  'train/labels/063_10028.png': { sum: 48818806, probe: [0, 0, 0, 0, 255] },
  'train/labels/064_10028.png': { sum: 51751630, probe: [0, 0, 0, 0, 255] },
  'valid/labels/065_10028.png': { sum: 54149579, probe: [0, 0, 0, 0, 255] },
};

for (const [name, facts] of Object.entries(PNG_FILES)) {
  const rel = `${D}${name}`;
  const path = realFile(rel);
  test(`conformance: ${rel}`, path === undefined ? { skip: missingReason(rel) } : {}, async () => {
    if (path === undefined) return;
    const img = await readMicrograph(path);
    assert.equal(img.width, 1024);
    assert.equal(img.height, 1024);
    assert.equal(img.pixelSizeA, undefined);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of img.data) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
    assert.equal(sum, facts.sum);
    assert.deepEqual([img.data[0], img.data[100 * 1024 + 200], img.data[1024 * 1024 - 1], min, max], facts.probe);
  });
}
