// Reusable large float64 scratch buffers for per-micrograph work (the Fourier crop's spectra): on
// virtual machines the first touch of freshly mapped memory (page faults, zeroing) costs as much
// as the FFT that fills it, so buffers of the sizes in use are kept and handed out again.

const MAX_PER_LENGTH = 2; // two micrographs in flight per thread
const MAX_LENGTHS = 4; // the sizes of the latest micrograph shape(s); older sizes are dropped
const free = new Map<number, Float64Array[]>();

/** A buffer of `length` float64 values with arbitrary contents (the caller overwrites what it reads). */
export function takeScratch(length: number): Float64Array {
  return free.get(length)?.pop() ?? new Float64Array(length);
}

/** Hands a buffer from takeScratch back for reuse; the caller must not touch it afterwards. */
export function returnScratch(buffer: Float64Array): void {
  let list = free.get(buffer.length);
  if (list === undefined) {
    if (free.size >= MAX_LENGTHS) free.delete(free.keys().next().value as number);
    list = [];
    free.set(buffer.length, list);
  }
  if (list.length < MAX_PER_LENGTH && !list.includes(buffer)) list.push(buffer);
}
