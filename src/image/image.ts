// Image2D: the in-memory micrograph type shared by I/O, preprocessing, simulation and picking.
// Pixels are float32, row-major, row 0 first as stored in the file (x = column, y = row).

export interface Image2D {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
  /** Ångström per pixel, or undefined when unknown. */
  readonly pixelSizeA?: number;
}

/** Makes an image, checking that the data length matches the shape. */
export function makeImage(width: number, height: number, data?: Float32Array, pixelSizeA?: number): Image2D {
  const d = data ?? new Float32Array(width * height);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image shape must be positive integers, got ${width}x${height}`);
  }
  if (d.length !== width * height) {
    throw new RangeError(`image data has ${d.length} values, expected ${width}x${height} = ${width * height}`);
  }
  return pixelSizeA === undefined ? { width, height, data: d } : { width, height, data: d, pixelSizeA };
}
