// Topaz-style two-component Gaussian mixture with a shared variance and a Beta prior on the
// weight of the "dominant" (background) component, fitted by EM from several initial weights;
// the restart with the highest log posterior wins. Used to normalise micrographs robustly.
// Differences from topaz/stats.py (bugs there, plus restarts seeded from the dark end too): the single-Gaussian restart adds the log of the
// Beta density (Topaz adds the density itself, 900 for the defaults), and the weight update counts
// sampled pixels × scale, consistent with the objective, so EM cannot go downhill.

export interface GmmOptions {
  /** Maximum EM iterations per restart (Topaz --niters, default 100). */
  readonly iterations: number;
  /** Stop when the log posterior improves by at most this much (Topaz 1e-3). */
  readonly tolerance: number;
  /** One restart per initial dominant weight; 1 means a single Gaussian. */
  readonly initialWeights: readonly number[];
  /** Beta(alpha, beta) prior on the dominant weight (Topaz 900, 1); both ≥ 1. */
  readonly priorAlpha: number;
  readonly priorBeta: number;
  /** Multiplier on the data log likelihood: pixels in the image / pixels sampled. */
  readonly scale: number;
  /**
   * Which end seeds the dominant component: 'bright' (Topaz: the brightest fraction, so only dark
   * contaminants are handled) or 'both' (each weight also seeded from the darkest fraction, so a
   * large bright contaminant cannot become the "background"). Default 'both'.
   */
  readonly seedFrom?: 'bright' | 'both';
  /**
   * Values within this many overall standard deviations of each other share one responsibility
   * (default 0.02); EM then runs over a few hundred groups instead of ~10⁵ sampled pixels. On the
   * EMPIAR-10028/10059 micrographs the normalised pixels moved by at most 2·10⁻⁴ against 0.002's
   * (BENCHMARKS.md yolo-speed), for a 5–10× faster fit. 0 = exact.
   */
  readonly groupWidth?: number;
}

/** One fitted mixture, in the units of the data. */
export interface GmmComponentFit {
  readonly initialWeight: number;
  /** Whether the dominant component was seeded from the brightest or the darkest pixels. */
  readonly seed: 'bright' | 'dark';
  /** Mean of the dominant component (the one used for normalisation). */
  readonly mean: number;
  /** The shared standard deviation. */
  readonly std: number;
  /** Weight of the dominant component. */
  readonly weight: number;
  /** Mean of the other (outlier) component; equals `mean` for a single Gaussian. */
  readonly otherMean: number;
  readonly logPosterior: number;
  readonly iterations: number;
}

export interface GmmFit extends GmmComponentFit {
  readonly restarts: readonly GmmComponentFit[];
}

export const TOPAZ_INITIAL_WEIGHTS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 1];

const MIN_VAR = 1e-12;
const DEFAULT_GROUP_WIDTH = 0.02;
const LOG_2PI = Math.log(2 * Math.PI);

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.5
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log of the Beta(a, b) density at p, with the limits at p = 0 and p = 1 handled exactly. */
export function logBetaDensity(p: number, a: number, b: number): number {
  const logNorm = logGamma(a + b) - logGamma(a) - logGamma(b);
  const left = a === 1 ? 0 : p <= 0 ? (a > 1 ? -Infinity : Infinity) : (a - 1) * Math.log(p);
  const right = b === 1 ? 0 : p >= 1 ? (b > 1 ? -Infinity : Infinity) : (b - 1) * Math.log1p(-p);
  return logNorm + left + right;
}

function quantileOfSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Fits the mixture to `values` (typically a random subset of a micrograph's pixels).
 * @throws RangeError for an empty sample or invalid options.
 */
export function fitGmm(values: ArrayLike<number>, options: GmmOptions): GmmFit {
  const n = values.length;
  if (n === 0) throw new RangeError('cannot fit a mixture to zero values');
  if (options.initialWeights.length === 0) throw new RangeError('need at least one initial weight');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const std = Math.sqrt(ss / n);
  if (!(std > 0) || !Number.isFinite(std)) {
    const flat = { initialWeight: 1, seed: 'bright' as const, mean, std: 0, weight: 1, otherMean: mean, logPosterior: Infinity, iterations: 0 };
    return { ...flat, restarts: [flat] };
  }
  // fit on standardised values for numerical safety, then map back
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = (values[i]! - mean) / std;
  const sorted = z.slice().sort();
  const groups = groupSorted(sorted, options.groupWidth ?? DEFAULT_GROUP_WIDTH);
  const logJacobian = -options.scale * n * Math.log(std);
  const seeds: Array<[number, 'bright' | 'dark']> = options.initialWeights.map((w0) => [w0, 'bright']);
  if ((options.seedFrom ?? 'both') === 'both') {
    for (const w0 of options.initialWeights) if (w0 < 1) seeds.push([w0, 'dark']);
  }
  const restarts = seeds.map(([w0, seed]) => {
    const split = quantileOfSorted(sorted, seed === 'bright' ? 1 - w0 : w0);
    const fit = w0 >= 1
      ? fitSingle(z, options)
      : fitTwo(groups, seed === 'bright' ? (v) => v > split : (v) => v < split, w0, options);
    return {
      initialWeight: w0,
      seed,
      mean: mean + std * fit.mu1,
      std: std * Math.sqrt(fit.variance),
      weight: fit.weight,
      otherMean: mean + std * fit.mu0,
      logPosterior: fit.logPosterior + logJacobian,
      iterations: fit.iterations,
    };
  });
  let best = restarts[0]!;
  for (const r of restarts) if (r.logPosterior > best.logPosterior) best = r;
  return { ...best, restarts };
}

interface StandardFit {
  readonly mu0: number;
  readonly mu1: number;
  readonly variance: number;
  readonly weight: number;
  readonly logPosterior: number;
  readonly iterations: number;
}

function fitSingle(z: Float64Array, options: GmmOptions): StandardFit {
  // z is standardised: mean 0, variance 1
  let sq = 0;
  for (let i = 0; i < z.length; i++) sq += z[i]! * z[i]!;
  const logLik = -0.5 * sq - 0.5 * z.length * LOG_2PI;
  const logPosterior = options.scale * logLik + logBetaDensity(1, options.priorAlpha, options.priorBeta);
  return { mu0: 0, mu1: 0, variance: 1, weight: 1, logPosterior, iterations: 0 };
}

/** Runs of sorted values spanning at most `width`: count, sum and sum of squares of each. */
interface ValueGroups {
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly total: number;
  readonly totalSq: number;
}

function groupSorted(sorted: Float64Array, width: number): ValueGroups {
  const count: number[] = [];
  const sum: number[] = [];
  const sumSq: number[] = [];
  let totalSq = 0;
  for (let i = 0; i < sorted.length;) {
    const start = sorted[i]!;
    let c = 0, s = 0, q = 0;
    while (i < sorted.length && sorted[i]! - start <= width) {
      const v = sorted[i++]!;
      c++; s += v; q += v * v;
    }
    count.push(c); sum.push(s); sumSq.push(q);
    totalSq += q;
  }
  return { count: Float64Array.from(count), sum: Float64Array.from(sum), sumSq: Float64Array.from(sumSq), total: sorted.length, totalSq };
}

function fitTwo(groups: ValueGroups, isDominant: (v: number) => boolean, initialWeight: number, options: GmmOptions): StandardFit {
  const { count, sum, sumSq, total: n, totalSq: q } = groups;
  const m = count.length;
  const { scale, priorAlpha: alpha, priorBeta: beta } = options;
  // scatter of each group about its own mean: exact quadratic part of the log likelihood
  let scatter = 0;
  for (let g = 0; g < m; g++) scatter += sumSq[g]! - (sum[g]! * sum[g]!) / count[g]!;
  // hard initial assignment: groups on the seeded side of the split start the dominant component (1)
  let s1 = 0, x0 = 0, x1 = 0;
  for (let g = 0; g < m; g++) {
    if (isDominant(sum[g]! / count[g]!)) { s1 += count[g]!; x1 += sum[g]!; } else x0 += sum[g]!;
  }
  let weight = initialWeight;
  let { mu0, mu1, variance } = updateMoments(n, s1, x0, x1, q);
  let previous = -Infinity;
  for (let it = 0; ; it++) {
    const logW0 = Math.log1p(-weight);
    const logW1 = Math.log(weight);
    const half = 1 / (2 * variance);
    const logNorm = -0.5 * Math.log(2 * Math.PI * variance);
    let sumZ = 0;
    s1 = 0; x0 = 0; x1 = 0;
    for (let g = 0; g < m; g++) {
      const c = count[g]!;
      const v = sum[g]! / c;
      const l0 = logW0 - (v - mu0) * (v - mu0) * half;
      const l1 = logW1 - (v - mu1) * (v - mu1) * half;
      let r1: number;
      if (l1 >= l0) {
        const e = Math.exp(l0 - l1);
        sumZ += c * (l1 + Math.log1p(e));
        r1 = 1 / (1 + e);
      } else {
        const e = Math.exp(l1 - l0);
        sumZ += c * (l0 + Math.log1p(e));
        r1 = e / (1 + e);
      }
      s1 += r1 * c;
      x1 += r1 * sum[g]!;
      x0 += (1 - r1) * sum[g]!;
    }
    const logLik = sumZ - scatter * half + n * logNorm;
    const logPosterior = scale * logLik + logBetaDensity(weight, alpha, beta);
    if ((it > 0 && logPosterior - previous <= options.tolerance) || it >= options.iterations) {
      return { mu0, mu1, variance, weight, logPosterior, iterations: it };
    }
    previous = logPosterior;
    // M step; the weight is the MAP estimate under the Beta prior with scaled pixel counts
    const a = alpha + scale * s1;
    const b = beta + scale * (n - s1);
    weight = Math.min(1, Math.max(0, (a - 1) / (a + b - 2)));
    ({ mu0, mu1, variance } = updateMoments(n, s1, x0, x1, q));
  }
}

/** Component means and shared variance from soft counts; an empty component takes the overall mean (0). */
function updateMoments(n: number, s1: number, x0: number, x1: number, q: number) {
  const s0 = n - s1;
  const mu0 = s0 > 0 ? x0 / s0 : 0;
  const mu1 = s1 > 0 ? x1 / s1 : 0;
  const variance = Math.max(MIN_VAR, (q - 2 * mu0 * x0 + mu0 * mu0 * s0 - 2 * mu1 * x1 + mu1 * mu1 * s1) / n);
  return { mu0, mu1, variance };
}
