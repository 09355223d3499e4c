// Public API of the cryopick package (re-exports only).
export * from './errors.js';
export * from './image/image.js';
export * from './io/coords.js';
