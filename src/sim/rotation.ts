// 3×3 rotation matrices for the simulator: axis–angle construction, products, application to
// atom coordinates, and rotations drawn uniformly from SO(3) (Shoemake's unit-quaternion method).
import type { SimRandom } from './_random.js';

/** Row-major 3×3 rotation matrix. */
export type Rotation = readonly [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Rotation = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Rotation by `angle` radians about the (normalised) axis (x, y, z), right-handed. */
export function axisAngle(x: number, y: number, z: number, angle: number): Rotation {
  const n = Math.hypot(x, y, z);
  if (!(n > 0)) throw new RangeError('rotation axis must be non-zero');
  const ux = x / n;
  const uy = y / n;
  const uz = z / n;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [
    t * ux * ux + c, t * ux * uy - s * uz, t * ux * uz + s * uy,
    t * ux * uy + s * uz, t * uy * uy + c, t * uy * uz - s * ux,
    t * ux * uz - s * uy, t * uy * uz + s * ux, t * uz * uz + c,
  ];
}

/** Matrix product a·b (apply b first, then a). */
export function compose(a: Rotation, b: Rotation): Rotation {
  const r: number[] = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      r[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
    }
  }
  return r as unknown as Rotation;
}

/** Rotation from a unit quaternion (w, x, y, z). */
export function fromQuaternion(w: number, x: number, y: number, z: number): Rotation {
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** A rotation uniformly distributed on SO(3) (Haar measure), via a uniform unit quaternion. */
export function randomRotation(rng: SimRandom): Rotation {
  const u1 = rng.uniform();
  const u2 = rng.uniform() * 2 * Math.PI;
  const u3 = rng.uniform() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return fromQuaternion(a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3));
}

/** Applies `r` to interleaved xyz coordinates, returning a new array. */
export function rotatePoints(r: Rotation, xyz: Float32Array): Float32Array {
  const out = new Float32Array(xyz.length);
  for (let i = 0; i < xyz.length; i += 3) {
    const x = xyz[i]!;
    const y = xyz[i + 1]!;
    const z = xyz[i + 2]!;
    out[i] = r[0] * x + r[1] * y + r[2] * z;
    out[i + 1] = r[3] * x + r[4] * y + r[5] * z;
    out[i + 2] = r[6] * x + r[7] * y + r[8] * z;
  }
  return out;
}

/** True when two rotations agree entry by entry within `tol`. */
export function sameRotation(a: Rotation, b: Rotation, tol = 1e-6): boolean {
  for (let i = 0; i < 9; i++) if (Math.abs(a[i]! - b[i]!) > tol) return false;
  return true;
}
