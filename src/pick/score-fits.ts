// Mixture fits of detection peak scores used by the automatic threshold: background as an
// exponential tail above a cut or as a Gumbel law (the maximum of noise peaks), particles as a
// Gaussian; each fitted by EM, with the crossing of the two weighted densities.

export interface Component { readonly mean: number; readonly sd: number; readonly weight: number }

/** Background law of a fit: `density(x)` is normalised over the fitted scores. */
export interface ScoreFit {
  readonly particle: Component;
  /** Mean and spread of the background law (for reports). */
  readonly background: Component;
  readonly backgroundLogDensity: (x: number) => number;
  /** Lower end of the search for the crossing. */
  readonly from: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER = 0.5772156649015329;
const logGauss = (x: number, m: number, s: number): number => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - LOG_SQRT_2PI;
const at = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] as number;

/** Particle component started on the top `initTop` of the scores; sd floor 1/50 of the 10–90 % spread. */
function start(x: readonly number[], initTop: number): { mean: number; sd: number; weight: number; minSd: number } {
  const top = x.slice(Math.floor((1 - initTop) * x.length));
  const mean = top.reduce((a, b) => a + b, 0) / top.length;
  const sd = Math.max(0.3, Math.sqrt(top.reduce((a, b) => a + (b - mean) ** 2, 0) / top.length));
  return { mean, sd, weight: initTop, minSd: Math.max(1e-3, at(x, 0.9) - at(x, 0.1)) / 50 };
}

/** Weighted mean and sd of `x` under weights `r`. */
function moments(x: readonly number[], r: Float64Array): { sum: number; mean: number; sd: number } {
  let sum = 0;
  let sx = 0;
  for (let i = 0; i < x.length; i++) { sum += r[i] as number; sx += (r[i] as number) * (x[i] as number); }
  const mean = sum > 0 ? sx / sum : 0;
  let sv = 0;
  for (let i = 0; i < x.length; i++) sv += (r[i] as number) * ((x[i] as number) - mean) ** 2;
  return { sum, mean, sd: sum > 0 ? Math.sqrt(sv / sum) : 0 };
}

/**
 * Exponential background from `cut` (rate λ) plus a Gaussian particle mode, fitted by EM to the
 * scores ≥ `cut` (sorted ascending). Weights are fractions of those scores.
 */
export function fitExponentialTail(sortedAbove: readonly number[], cut: number, iterations = 300, initTop = 0.1): ScoreFit {
  const x = sortedAbove;
  const n = x.length;
  const s0 = start(x, initTop);
  let { mean: pm, sd: ps, weight: pw } = s0;
  const lower = x.slice(0, Math.max(1, Math.floor(0.5 * n)));
  let lam = 1 / Math.max(1e-3, lower.reduce((a, b) => a + (b - cut), 0) / lower.length);
  const r = new Float64Array(n);
  const q = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      const lb = Math.log(1 - pw) + Math.log(lam) - lam * (v - cut);
      const lp = Math.log(pw) + logGauss(v, pm, ps);
      r[i] = 1 / (1 + Math.exp(lb - lp));
      q[i] = 1 - (r[i] as number);
    }
    const p = moments(x, r);
    let bw = 0;
    let bx = 0;
    for (let i = 0; i < n; i++) { bw += q[i] as number; bx += (q[i] as number) * ((x[i] as number) - cut); }
    const done = Math.abs(p.mean - pm) < 1e-7;
    pm = p.mean;
    ps = Math.max(s0.minSd, p.sd);
    pw = Math.min(1 - 1e-6, Math.max(1e-6, p.sum / n));
    lam = bw / Math.max(1e-9, bx);
    if (done) break;
  }
  const l = lam;
  return {
    particle: { mean: pm, sd: ps, weight: pw },
    background: { mean: cut + 1 / l, sd: 1 / l, weight: 1 - pw },
    backgroundLogDensity: (v) => Math.log(l) - l * (v - cut),
    from: cut,
  };
}

/** Gumbel background (location μ, scale β) plus a Gaussian particle mode, fitted by EM to all scores (sorted ascending). */
export function fitGumbel(sorted: readonly number[], iterations = 300, initTop = 0.1): ScoreFit {
  const x = sorted;
  const n = x.length;
  const s0 = start(x, initTop);
  let { mean: pm, sd: ps, weight: pw } = s0;
  const lower = x.slice(0, Math.max(1, Math.floor((1 - initTop) * n)));
  const lm = lower.reduce((a, b) => a + b, 0) / lower.length;
  const lsd = Math.sqrt(lower.reduce((a, b) => a + (b - lm) ** 2, 0) / lower.length);
  const minBeta = s0.minSd / 2;
  let beta = Math.max(0.05, (lsd * Math.sqrt(6)) / Math.PI);
  let mu = lm - EULER * beta;
  const logGumbel = (v: number): number => { const z = (v - mu) / beta; return -z - Math.exp(-z) - Math.log(beta); };
  const r = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      r[i] = 1 / (1 + Math.exp(Math.log(1 - pw) + logGumbel(v) - Math.log(pw) - logGauss(v, pm, ps)));
    }
    const p = moments(x, r);
    // weighted maximum likelihood of the Gumbel law: fixed point on β, then μ in closed form
    let bw = 0;
    let bx = 0;
    for (let i = 0; i < n; i++) { bw += 1 - (r[i] as number); bx += (1 - (r[i] as number)) * (x[i] as number); }
    const xb = bx / Math.max(1e-12, bw);
    for (let k = 0; k < 30; k++) {
      let se = 0;
      let sxe = 0;
      for (let i = 0; i < n; i++) { const e = (1 - (r[i] as number)) * Math.exp(-((x[i] as number) - xb) / beta); se += e; sxe += e * (x[i] as number); }
      beta = Math.max(minBeta, xb - sxe / Math.max(1e-300, se));
    }
    let se = 0;
    for (let i = 0; i < n; i++) se += (1 - (r[i] as number)) * Math.exp(-((x[i] as number) - xb) / beta);
    mu = xb - beta * Math.log(Math.max(1e-300, se) / Math.max(1e-12, bw));
    const done = Math.abs(p.mean - pm) < 1e-7;
    pm = p.mean;
    ps = Math.max(s0.minSd, p.sd);
    pw = Math.min(1 - 1e-6, Math.max(1e-6, p.sum / n));
    if (done) break;
  }
  const [m, b] = [mu, beta];
  return {
    particle: { mean: pm, sd: ps, weight: pw },
    background: { mean: m + EULER * b, sd: (Math.PI * b) / Math.sqrt(6), weight: 1 - pw },
    backgroundLogDensity: (v) => { const z = (v - m) / b; return -z - Math.exp(-z) - Math.log(b); },
    from: m,
  };
}

/**
 * Where the weighted particle density overtakes the background's, between `fit.from` and the
 * particle mean (bisection on the log ratio); the particle mean − 1 sd when they do not cross there.
 */
export function crossing(fit: ScoreFit): number {
  const p = fit.particle;
  const f = (t: number): number => Math.log(p.weight) + logGauss(t, p.mean, p.sd) - Math.log(1 - p.weight) - fit.backgroundLogDensity(t);
  let a = fit.from;
  let b = p.mean;
  if (!(f(a) < 0 && f(b) > 0)) return p.mean - p.sd;
  for (let k = 0; k < 60; k++) { const t = (a + b) / 2; if (f(t) > 0) b = t; else a = t; }
  return (a + b) / 2;
}

/** The `q` quantile (q·(n−1), rounded down) of ascending `sorted`. */
export const quantileOf = at;
