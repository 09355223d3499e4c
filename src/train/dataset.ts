// The in-memory training set: preprocessed (downsampled, normalised) micrographs with their
// picks in the downsampled frame and the label masks (positives, known negatives), loaded once and never re-read from disk.
import type { Image2D } from '../image/image.js';
import type { Frame, Particle } from '../io/coords.js';

export interface LabelledMicrograph {
  /** Name as given by the micrograph file (no folders). */
  readonly name: string;
  /** Preprocessed image in the downsampled frame. */
  readonly image: Image2D;
  /** The working grid the image and picks are in (the downsampling plan's frame). */
  readonly frame: Frame<'grid'>;
  /** Size of the original micrograph in its own pixels. */
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Picks in the downsampled frame. */
  readonly picks: readonly Particle<'grid'>[];
  /** 1 = labelled positive pixel (within the labelling radius of a pick). */
  readonly mask: Uint8Array;
  /** 1 = known negative pixel (negative picks, or every pixel of an empty micrograph); absent = none. */
  readonly negatives?: Uint8Array;
  /** Negative picks (background, carbon, ice, junk) in the downsampled frame. */
  readonly negativePicks?: readonly Particle<'grid'>[];
}
