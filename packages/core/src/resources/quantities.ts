/**
 * Resource quantities: name -> amount, with no reservations or other metadata. Quota guarantees and
 * `--min_allocatable_resources` are quantities. Ranges count their values and sets their items
 * (MESOS-9516), so `ports:1` means "at least one port".
 */
import { invalid } from "../errors.ts";
import { scalarLessOrEqual, validateInputScalarValue } from "./scalar.ts";

export type Quantities = ReadonlyMap<string, number>;

/** Parses `cpus:1;mem:32` (names and non-negative scalars; zeros dropped). */
export function parseQuantities(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const raw of text.split(";")) {
    const token = raw.trim();
    if (token === "") continue;
    const parts = token.split(":");
    if (parts.length !== 2) throw invalid(`Bad resource quantity '${token}': expected NAME:AMOUNT`);
    const name = parts[0]!.trim();
    const amountText = parts[1]!.trim();
    if (name === "") throw invalid(`Bad resource quantity '${token}': empty name`);
    if (!/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(amountText)) {
      throw invalid(`Bad resource quantity '${token}': '${amountText}' is not a non-negative number`);
    }
    const amount = Number(amountText);
    const scalarError = validateInputScalarValue(amount);
    if (scalarError) throw invalid(`Bad resource quantity '${token}': Invalid scalar value '${amountText}': ${scalarError}`);
    if (amount === 0) continue;
    out.set(name, (out.get(name) ?? 0) + amount);
  }
  return out;
}

/** Parses `cpus:0.01|mem:32`: alternatives joined by `|`, each a `;`-joined set of quantities. */
export function parseMinAllocatable(text: string): Map<string, number>[] {
  if (text.trim() === "") return [];
  return text.split("|").map((alternative, i) => {
    const q = parseQuantities(alternative);
    if (q.size === 0) throw invalid(`Bad minimum allocatable resources '${text}': alternative ${i + 1} is empty`);
    return q;
  });
}

/** Whether `have` covers every amount in `need`. */
export function quantitiesContain(have: Quantities, need: Quantities): boolean {
  for (const [name, amount] of need) if (!scalarLessOrEqual(amount, have.get(name) ?? 0)) return false;
  return true;
}

export function formatQuantities(q: Quantities): string {
  return [...q].map(([name, amount]) => `${name}:${amount}`).join(";");
}
