/** Set values (`{a,b,c}`), kept sorted so equal sets compare equal as text. */
export function normalizeSet(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

export function addSets(a: readonly string[], b: readonly string[]): string[] {
  return normalizeSet([...a, ...b]);
}

export function subtractSets(a: readonly string[], b: readonly string[]): string[] {
  const cut = new Set(b);
  return normalizeSet(a.filter((x) => !cut.has(x)));
}

export function setContains(outer: readonly string[], inner: readonly string[]): boolean {
  const have = new Set(outer);
  return inner.every((x) => have.has(x));
}

export function formatSet(items: readonly string[]): string {
  return `{${items.join(", ")}}`;
}

export function parseSet(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
    throw new Error(`'${text}' is not a set (expected e.g. {a,b})`);
  }
  const body = trimmed.slice(1, -1).trim();
  if (body === "") return [];
  const items = body.split(",").map((s) => s.trim());
  const empty = items.indexOf("");
  if (empty !== -1) throw new Error(`set '${text}' has an empty item`);
  return normalizeSet(items);
}
