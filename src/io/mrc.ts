// Front door for MRC2014 I/O: re-exports the reader, section reader, writer, validator and the
// header/mode tables. See mrc-*.ts for each concept.
export { readMrc, openMrc } from './mrc-reader.js';
export type { MrcContents, MrcReadOptions } from './mrc-reader.js';
export { readMrcSection } from './mrc-section.js';
export type { MrcSection } from './mrc-section.js';
export { writeMrc, encodeMrc, computeStats } from './mrc-writer.js';
export type { MrcWriteOptions } from './mrc-writer.js';
export { MRC_MODES, isMrcMode } from './mrc-modes.js';
export type { MrcMode } from './mrc-modes.js';
export { MRC_NUMERIC_FIELDS, IMOD_STAMP, parseMrcHeader, formatMrcHeader } from './mrc-header.js';
export type { MrcHeader } from './mrc-header.js';
export { voxelSizeA } from './mrc-layout.js';
export { validateMrc, inspectMrc } from './mrc-validate.js';
export type { MrcReport } from './mrc-validate.js';
