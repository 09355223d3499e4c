// The length of a fine-tuning run (`train --init MODEL`), kept apart from params.ts (zod) so that
// `cryopick train --help` can show it without loading the trainer.

/**
 * Epochs of a fine-tuning run (`init` given, `epochs` not): 2 × 40 updates, a fifth of training from
 * scratch. Chosen on EMPIAR-10028 `valid` (1 labelled micrograph, init without EMPIAR-10028): 2 epochs
 * tied 3 (valid AP 0.859 vs 0.858) at two thirds of the time; BENCHMARKS.md, fine-tuning.
 */
export const FINETUNE_EPOCHS = 2;
