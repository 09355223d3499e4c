// Renders the commented config template and the JSON Schema from the single zod definition.
// Comment convention: a key "//" holds a section's description and "//name" the description of
// the field `name` that follows it; cryopick ignores every key starting with "//".
import { z } from 'zod';
import { pipelineConfigSchema } from './config-schema.js';

/** Extra words for training parameters whose schema carries no description. */
const HELP: Readonly<Record<string, string>> = {
  micrographs: 'micrograph files or folders (MRC/TIFF)',
  picks: 'coordinate files with the training picks (any format cryopick reads)',
  picksBinning: 'binning of the pick coordinates relative to the micrographs',
  testMicrographs: 'micrograph names held out as the test set (else testFraction is drawn at random)',
  testFraction: 'share of micrographs held out for the final test evaluation',
  particleDiameter: 'particle diameter in pixels of the original micrographs',
  downsample: 'downsampling factor applied before training',
  normalize: 'per-micrograph normalisation',
  pixelSampling: 'GMM normalisation: use every n-th pixel',
  normIters: 'GMM normalisation iterations',
  lowpass: 'degree of lowpass filtering (0 = off, 1 = strongest)',
  invert: 'invert contrast',
  model: 'network architecture', units: 'base number of filters', dropout: 'dropout (resnets only)',
  batchNorm: 'batch normalisation', pooling: 'pooling between layers', unitScaling: 'filter multiplier per block',
  encoderUnits: 'autoencoder decoder base width', init: 'a .onnx model to fine-tune',
  loss: 'training objective (positive-unlabelled methods from Topaz)', slack: 'GE slack (-1 = the method default)',
  autoencoderWeight: 'weight of the autoencoder loss (conv models only)', l2: 'L2 weight decay',
  expectedParticles: 'REQUIRED for the topaz family: expected particles per micrograph (sets the PU class prior)',
  radius: 'labelling radius around each pick (downsampled px)', balance: 'minibatch share of labelled positives',
  classWeight: 'weight of the positive term', learningRate: 'initial learning rate (the lrScheduler section takes precedence)',
  finalLearningRate: 'final learning rate of a linear decay', minibatchSize: 'patches per step (patch mode)',
  epochs: 'most epochs of final training', epochSize: 'steps per epoch', mode: 'dense crops or patches',
  cropSize: 'dense-mode crop size (px)', cropsPerStep: 'dense-mode crops per step',
  selectMetric: 'metric that selects the best epoch', threads: 'CPU threads (0 = all cores)', seed: 'random seed',
};

/** Placeholders for required fields so the template is valid after the paths are edited. */
const PLACEHOLDERS: Readonly<Record<string, unknown>> = {
  micrographs: ['micrographs/'], picks: ['picks.star'], expectedParticles: 300,
};

type JsonSchema = { description?: string; default?: unknown; type?: string | string[]; enum?: unknown[]; minimum?: number; maximum?: number;
  exclusiveMinimum?: number; exclusiveMaximum?: number; properties?: Record<string, JsonSchema>; required?: string[];
  oneOf?: JsonSchema[]; anyOf?: JsonSchema[]; additionalProperties?: unknown; patternProperties?: unknown; items?: JsonSchema; const?: unknown };

function describeField(name: string, s: JsonSchema, required: boolean): string {
  const parts: string[] = [];
  const text = s.description ?? HELP[name];
  if (text) parts.push(text);
  if (s.enum) parts.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(' | ')}`);
  else if (s.type) {
    let t = Array.isArray(s.type) ? s.type.join('|') : s.type;
    if (s.type === 'array' && s.items?.type) t = `array of ${String(s.items.type)}`;
    const bounds: string[] = [];
    if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
    if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
    if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${s.maximum}`);
    if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
    parts.push(bounds.length > 0 ? `${t} ${bounds.join(', ')}` : t);
  }
  parts.push(required ? 'required' : s.default !== undefined ? `default ${JSON.stringify(s.default)}` : 'optional');
  return parts.join('; ');
}

/** The JSON Schema (draft 2020-12) of the config file, allowing "//" comment keys everywhere. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(pipelineConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'object' && o.additionalProperties === false) o.patternProperties = { '^//': {} };
    Object.values(o).forEach(visit);
  };
  visit(schema);
  // expectedParticles is required by the topaz family only (the PU class prior).
  const shared = (schema['properties'] as Record<string, Record<string, unknown>> | undefined)?.['shared'];
  if (shared) Object.assign(shared, { if: { properties: { family: { const: 'yolo' } }, required: ['family'] }, else: { required: ['expectedParticles'] } });
  return { ...schema, title: 'cryopick training pipeline config', description: 'cryopick train --config: data, tuning, training, shared, lrScheduler. Keys starting with "//" are comments.' };
}

function section(s: JsonSchema, overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.description) out['//'] = s.description;
  for (const [name, f] of Object.entries(s.properties ?? {})) {
    const required = (s.required ?? []).includes(name);
    out[`//${name}`] = describeField(name, f, required);
    const value = name in overrides ? overrides[name] : f.default !== undefined ? f.default : PLACEHOLDERS[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The commented template written by `cryopick create-train-config`, as JSON text. */
export function renderConfigTemplate(schemaRef = './config.schema.json'): string {
  const js = pipelineJsonSchema() as unknown as JsonSchema;
  const p = js.properties ?? {};
  const lr = p.lrScheduler as JsonSchema;
  const variants = (lr.oneOf ?? lr.anyOf ?? []).map((v) => {
    const props = Object.entries(v.properties ?? {}).filter(([k]) => k !== 'kind')
      .map(([k, f]) => `${k}${f.default !== undefined ? `=${JSON.stringify(f.default)}` : ''}`);
    return `${String(v.properties?.kind?.const ?? '?')}: ${props.join(', ')}`;
  });
  const template: Record<string, unknown> = {
    '//': 'cryopick training pipeline: data/ETL → optional tuning → final training (early stopping, LR scheduler) → test evaluation. '
      + 'Run: cryopick train --config config.json. Keys starting with "//" are comments and are ignored. Schema: config.schema.json.',
    $schema: schemaRef,
    data: section(p.data as JsonSchema),
    tuning: section(p.tuning as JsonSchema),
    training: section(p.training as JsonSchema),
    shared: section(p.shared as JsonSchema),
    lrScheduler: {
      '//': `${lr.description ?? 'learning-rate schedule'}. Kinds and their fields (defaults): ${variants.join(' | ')}`,
      ...(lr.default as Record<string, unknown>),
    },
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}
