// The contrast transfer function of a transmission electron microscope (weak-phase approximation,
// RELION/CTFFIND conventions: defocus U/V in Å, positive = underfocus, astigmatism angle from x).

/** Microscope and per-micrograph CTF parameters. */
export interface CtfParams {
  readonly voltageKv: number;
  readonly sphericalAberrationMm: number;
  /** Amplitude contrast fraction w (0.07 typical for cryo, 0.1 for thin ice). */
  readonly amplitudeContrast: number;
  /** Defocus along the major axis, Å (positive = underfocus). */
  readonly defocusUA: number;
  /** Defocus along the minor axis, Å. */
  readonly defocusVA: number;
  /** Angle of the U axis from the x axis, degrees. */
  readonly astigmatismAngleDeg: number;
  /** Envelope B-factor, Å²: the CTF is multiplied by exp(−B·k²/4). */
  readonly bFactorA2: number;
}

/** Relativistic electron wavelength in Å for an accelerating voltage in kV. */
export function electronWavelengthA(voltageKv: number): number {
  const v = voltageKv * 1000;
  return 12.2642584 / Math.sqrt(v * (1 + 0.97846917e-6 * v));
}

/** Precomputed constants for fast CTF evaluation. */
export interface CtfEvaluator {
  /** CTF at spatial frequency (kx, ky) in 1/Å, including the B-factor envelope. */
  at(kx: number, ky: number): number;
}

/**
 * Builds an evaluator of CTF(k) = [√(1−w²)·sin χ + w·cos χ]·exp(−B k²/4) with
 * χ = π λ Δf(θ) k² − (π/2) Cs λ³ k⁴. It is positive at low frequency, so an image formed as
 * `mean · (1 − CTF ⊛ projected potential)` shows dark particles, as raw cryo-EM micrographs do
 * (this equals RELION's convention of a negative CTF added to the mean).
 */
export function ctfEvaluator(p: CtfParams): CtfEvaluator {
  const lambda = electronWavelengthA(p.voltageKv);
  const cs = p.sphericalAberrationMm * 1e7;
  const w = p.amplitudeContrast;
  const sw = Math.sqrt(1 - w * w);
  const mean = (p.defocusUA + p.defocusVA) / 2;
  const half = (p.defocusUA - p.defocusVA) / 2;
  const ang = (p.astigmatismAngleDeg * Math.PI) / 180;
  const c4 = (Math.PI / 2) * cs * lambda ** 3;
  return {
    at(kx: number, ky: number): number {
      const k2 = kx * kx + ky * ky;
      const theta = Math.atan2(ky, kx);
      const df = mean + half * Math.cos(2 * (theta - ang));
      const chi = Math.PI * lambda * df * k2 - c4 * k2 * k2;
      return (sw * Math.sin(chi) + w * Math.cos(chi)) * Math.exp((-p.bFactorA2 * k2) / 4);
    },
  };
}

/** Validates CTF parameters, returning one message per problem. */
export function ctfProblems(p: CtfParams): string[] {
  const out: string[] = [];
  if (!(p.voltageKv > 0)) out.push(`voltage must be > 0 kV, got ${p.voltageKv}`);
  if (!(p.sphericalAberrationMm >= 0)) out.push(`Cs must be >= 0 mm, got ${p.sphericalAberrationMm}`);
  if (!(p.amplitudeContrast >= 0 && p.amplitudeContrast < 1)) out.push(`amplitude contrast must be in [0, 1), got ${p.amplitudeContrast}`);
  if (!(p.bFactorA2 >= 0)) out.push(`B-factor must be >= 0 Å², got ${p.bFactorA2}`);
  return out;
}
