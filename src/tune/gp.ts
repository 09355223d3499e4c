// Gaussian-process regression with an isotropic Matérn 5/2 kernel, as keras-tuner configures
// scikit-learn (pipeline.md §2.4): standardised targets, alpha on the diagonal, length scale
// fitted by the log marginal likelihood (log grid + golden-section refinement). Hand-written Cholesky.

/** Matérn ν = 5/2: (1 + √5 r/ℓ + 5r²/(3ℓ²))·exp(−√5 r/ℓ). */
export function matern52(r: number, lengthScale: number): number {
  const a = (Math.sqrt(5) * r) / lengthScale;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = (a[i] ?? 0) - (b[i] ?? 0); s += d * d; }
  return Math.sqrt(s);
}

/** Lower-triangular Cholesky factor of a symmetric positive-definite n×n matrix (row-major). */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`matrix is not positive definite (pivot ${i} = ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

/** Solves L x = b (forward substitution). */
export function solveLower(l: Float64Array, n: number, b: readonly number[] | Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

/** Solves Lᵀ x = b (back substitution). */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

export interface GpOptions {
  /** Noise/jitter added to the kernel diagonal (default 1e-4, keras-tuner's alpha). */
  readonly alpha?: number;
  /** Fixed length scale; fitted by maximum marginal likelihood when absent. */
  readonly lengthScale?: number;
}

/** A fitted GP: predict mean and standard deviation in the original units of y. */
export interface GaussianProcess {
  readonly lengthScale: number;
  readonly logMarginalLikelihood: number;
  predict(x: readonly number[]): { mean: number; std: number };
}

interface Factor { l: Float64Array; weights: Float64Array; lml: number }

function factorise(xs: readonly (readonly number[])[], y: Float64Array, ell: number, alpha: number): Factor | undefined {
  const n = xs.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = matern52(distance(xs[i] as number[], xs[j] as number[]), ell);
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
    k[i * n + i] = (k[i * n + i] as number) + alpha;
  }
  let l: Float64Array;
  try { l = cholesky(k, n); } catch { return undefined; }
  const weights = solveUpper(l, n, solveLower(l, n, y));
  let lml = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) lml += -0.5 * (y[i] as number) * (weights[i] as number) - Math.log(l[i * n + i] as number);
  return { l, weights, lml };
}

/** Fits a GP to points in [0, 1]^d and their values. Needs at least one point. */
export function fitGp(xs: readonly (readonly number[])[], ys: readonly number[], options: GpOptions = {}): GaussianProcess {
  const n = xs.length;
  if (n === 0 || ys.length !== n) throw new RangeError(`fitGp needs matching, non-empty x and y (got ${n} and ${ys.length})`);
  const alpha = options.alpha ?? 1e-4;
  const mean = ys.reduce((a, b) => a + b, 0) / n;
  const sd0 = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const sd = sd0 > 0 ? sd0 : 1;
  const y = Float64Array.from(ys, (v) => (v - mean) / sd);
  let best: { ell: number; f: Factor } | undefined;
  const tryEll = (ell: number): number => {
    const f = factorise(xs, y, ell, alpha);
    if (f && (!best || f.lml > best.f.lml)) best = { ell, f };
    return f ? f.lml : Number.NEGATIVE_INFINITY;
  };
  if (options.lengthScale !== undefined) {
    tryEll(options.lengthScale);
  } else {
    const lo = Math.log(1e-3), hi = Math.log(1e3), steps = 60;
    let bestI = 0, bestV = Number.NEGATIVE_INFINITY;
    for (let i = 0; i <= steps; i++) {
      const v = tryEll(Math.exp(lo + ((hi - lo) * i) / steps));
      if (v > bestV) { bestV = v; bestI = i; }
    }
    // golden-section refinement on log ℓ within the neighbouring grid cells
    let a = lo + ((hi - lo) * Math.max(0, bestI - 1)) / steps;
    let b = lo + ((hi - lo) * Math.min(steps, bestI + 1)) / steps;
    const g = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 30; it++) {
      const c = b - g * (b - a), d = a + g * (b - a);
      if (tryEll(Math.exp(c)) > tryEll(Math.exp(d))) b = d; else a = c;
    }
  }
  if (!best) throw new RangeError('GP kernel matrix is not positive definite for any length scale');
  const { ell, f } = best;
  return {
    lengthScale: ell,
    logMarginalLikelihood: f.lml,
    predict(x) {
      const ks = new Float64Array(n);
      for (let i = 0; i < n; i++) ks[i] = matern52(distance(x, xs[i] as number[]), ell);
      let mu = 0;
      for (let i = 0; i < n; i++) mu += (ks[i] as number) * (f.weights[i] as number);
      const v = solveLower(f.l, n, ks);
      let vv = 0;
      for (let i = 0; i < n; i++) vv += (v[i] as number) ** 2;
      const variance = Math.max(0, 1 - vv);
      return { mean: mu * sd + mean, std: Math.sqrt(variance) * sd };
    },
  };
}

/** Standard normal density and distribution (Φ via the complementary error function). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** erfc with relative error < 1.2e-7 (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Expected improvement below `best` for a minimisation problem (ξ = exploration margin). */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0.01): number {
  if (std <= 0) return Math.max(0, best - mean - xi);
  const z = (best - mean - xi) / std;
  return (best - mean - xi) * normalCdf(z) + std * normalPdf(z);
}
