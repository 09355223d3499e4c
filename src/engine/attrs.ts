// ONNX node attributes with explicit int/float tagging. JS numbers lose the distinction, and an
// untagged 1.0 would be encoded as INT (engine-onnx.md pitfall 5), so every attribute says its type.

export type AttrValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

export type Attrs = Readonly<Record<string, AttrValue>>;

/** A float attribute (epsilon, alpha, momentum, ...). */
export function F(value: number): AttrValue {
  return { kind: 'float', value };
}
/** An integer attribute (axis, group, training_mode, ...). */
export function I(value: number): AttrValue {
  if (!Number.isInteger(value)) throw new RangeError(`integer attribute expected, got ${value}`);
  return { kind: 'int', value };
}
/** A list of float attributes. */
export function Fs(value: readonly number[]): AttrValue {
  return { kind: 'floats', value };
}
/** A list of integer attributes (kernel_shape, strides, pads, perm, ...). */
export function Is(value: readonly number[]): AttrValue {
  for (const v of value) if (!Number.isInteger(v)) throw new RangeError(`integer list attribute expected, got ${value.join(',')}`);
  return { kind: 'ints', value };
}
/** A string attribute (mode, reduction, ...). */
export function S(value: string): AttrValue {
  return { kind: 'string', value };
}
