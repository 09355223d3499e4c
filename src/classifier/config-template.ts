// Renders the classifier config template from the zod schema: every field at its default, with
// "//name" comment keys (ignored by cryopick) saying what each field means.
import { z } from 'zod';
import { classifierConfigSchema } from './config-schema.js';

type Json = { description?: string; default?: unknown; properties?: Record<string, Json>; enum?: unknown[]; anyOf?: Json[] };

function commented(schema: Json, value: unknown): unknown {
  if (!schema.properties || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  if (schema.description) out['//'] = schema.description;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = schema.properties[k] ?? {};
    const inner = sub.properties ? sub : (sub.anyOf?.find((a) => a.properties) ?? sub);
    const words = [sub.description ?? inner.description, sub.enum ? `one of ${sub.enum.map((x) => JSON.stringify(x)).join(' | ')}` : undefined].filter(Boolean);
    if (words.length > 0 && !inner.properties) out[`//${k}`] = words.join('; ');
    out[k] = commented(inner, v);
  }
  return out;
}

/** The template text: defaults, with caps_data_dir and output_dir left as "/dir/" placeholders to edit. */
export function renderClassifierTemplate(): string {
  const defaults = classifierConfigSchema.parse({ etl_params: {}, shared_params: {} });
  const json = z.toJSONSchema(classifierConfigSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const { $schema: _s, ...rest } = defaults;
  const particleHelp = {
    '//particles': 'for 2-D particle crops, replace caps_data_dir by null and add: "particles": {"micrographs": ["mics/"], "coordinates": ["kept.star", "junk.star"], "class_column": "class", "class_from_file": {"junk.star": "junk", "kept.star": "particle"}, "box_size": 64, "downsample": 1}; add "negatives": {"class": "background", "per_micrograph": null, "min_distance": 0.6} to sample DeepPicker\'s background windows (at least 0.6 × the window from every pick) as one more class',
  };
  const body = commented(json, rest) as Record<string, Record<string, unknown>>;
  body['etl_params'] = { ...body['etl_params'], ...particleHelp };
  return `${JSON.stringify(body, null, 4)}\n`;
}
