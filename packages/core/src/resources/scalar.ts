/**
 * Mesos does scalar arithmetic in fixed point with three decimal places (Value::Scalar operators
 * convert to int64 thousandths), so 0.1 + 0.2 is exactly 0.3 and tiny drifts never accumulate.
 */
export const SCALAR_PRECISION = 1000;

export function toFixed(value: number): number {
  return Math.round(value * SCALAR_PRECISION);
}

export function fromFixed(fixed: number): number {
  return fixed / SCALAR_PRECISION;
}

/** Rounds a scalar to Mesos's precision. */
export function roundScalar(value: number): number {
  return fromFixed(toFixed(value));
}

export function addScalars(a: number, b: number): number {
  return fromFixed(toFixed(a) + toFixed(b));
}

export function subtractScalars(a: number, b: number): number {
  return fromFixed(toFixed(a) - toFixed(b));
}

export function scalarLessOrEqual(a: number, b: number): boolean {
  return toFixed(a) <= toFixed(b);
}

/**
 * Mesos's check of a scalar typed by a person (resource text, quota): no infinities, NaN,
 * subnormals (e.g. 5e-324, which fixed point would turn into 0) or negatives. An error message, or undefined.
 */
export function validateInputScalarValue(value: number): string | undefined {
  if (Number.isNaN(value)) return "NaN not supported";
  if (!Number.isFinite(value)) return "Infinite values not supported";
  if (value !== 0 && Math.abs(value) < 2.2250738585072014e-308) return "Subnormal values not supported";
  if (value < 0) return "Negative values not supported";
  return undefined;
}
