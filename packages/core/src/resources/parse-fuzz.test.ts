/**
 * Property-based fuzzing of the resource parsers (text and JSON): every input is parsed or refused
 * with MesosError("invalid") naming what is wrong; nothing else escapes, and valid resources survive
 * a trip through their text form.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { isMesosError } from "../errors.ts";
import { fuzzRuns } from "../random.ts";
import { parseResources } from "./parse.ts";
import { parseMinAllocatable, parseQuantities } from "./quantities.ts";

const RUNS = fuzzRuns();
const TIMEOUT = Math.max(60_000, RUNS / 10);

/** Either a value or MesosError("invalid"); anything else (TypeError, RangeError, ...) fails the property. */
function answers(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    if (isMesosError(e, "invalid") && e.message.length > 0) return true;
    throw e;
  }
}

const pieces = [
  "cpus",
  "mem",
  "disk",
  "ports",
  "gpus",
  "x",
  "(",
  ")",
  "(*)",
  "(role)",
  "(a/b)",
  "(a/../b)",
  ":",
  ";",
  "[",
  "]",
  "-",
  ",",
  "{",
  "}",
  "0",
  "1",
  "4",
  "0.5",
  ".5",
  "-1",
  "+1",
  "1e3",
  "5e-324",
  "1e309",
  "NaN",
  "Infinity",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999",
  " ",
  "\t",
  "\n",
  "*",
  "/",
  ".",
  "e",
  "é",
  "\u0000",
];
/** Text made of resource-grammar pieces, so most inputs get past the first split. */
const grammarText = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((p) => p.join(""));
const anyText = fc.oneof(grammarText, fc.string({ maxLength: 64 }), fc.string({ unit: "binary", maxLength: 64 }));

test(
  "resource text: every input parses or is refused with a message",
  () => {
    fc.assert(
      fc.property(anyText, (text) => answers(() => parseResources(text))),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

/** JSON-shaped input: arrays of objects with Resource-like fields and wrong types mixed in. */
const jsonScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("SCALAR", "RANGES", "SET", "TEXT", "DYNAMIC", "STATIC"),
);
const resourceLike = fc.record(
  {
    name: fc.oneof(fc.constantFrom("cpus", "mem", "ports", "disk"), jsonScalar),
    type: fc.oneof(fc.constantFrom("SCALAR", "RANGES", "SET", "BOGUS"), jsonScalar),
    scalar: fc.oneof(fc.record({ value: fc.oneof(fc.double(), fc.constantFrom("1", "NaN", "Infinity", "-1", "5e-324"), jsonScalar) }), jsonScalar),
    ranges: fc.oneof(
      fc.record({
        range: fc.array(fc.record({ begin: fc.oneof(fc.integer(), jsonScalar), end: fc.oneof(fc.integer(), jsonScalar) }), { maxLength: 4 }),
      }),
      jsonScalar,
    ),
    set: fc.oneof(fc.record({ item: fc.array(fc.oneof(fc.string({ maxLength: 4 }), jsonScalar), { maxLength: 4 }) }), jsonScalar),
    role: fc.oneof(fc.constantFrom("*", "a", "a/b", "", ".", "-x"), jsonScalar),
    reservations: fc.oneof(
      fc.array(
        fc.record({ type: fc.oneof(fc.constantFrom("STATIC", "DYNAMIC"), jsonScalar), role: fc.oneof(fc.constantFrom("a", "a/b", "*"), jsonScalar) }),
        { maxLength: 3 },
      ),
      jsonScalar,
    ),
  },
  { requiredKeys: [] },
);
const jsonText = fc.oneof(
  fc.array(resourceLike, { maxLength: 4 }).map((list) => JSON.stringify(list)),
  fc.json({ maxDepth: 4 }).map((j) => `[${j}]`),
  fc.array(resourceLike, { maxLength: 3 }).map((list) => JSON.stringify(list).slice(0, -1)),
);

test(
  "resource JSON: every input parses or is refused with a message",
  () => {
    fc.assert(
      fc.property(jsonText, (text) => answers(() => parseResources(text))),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test(
  "quantities and --min_allocatable_resources: parsed or refused",
  () => {
    const text = fc.oneof(
      anyText,
      fc.array(fc.constantFrom(...pieces, "|"), { maxLength: 24 }).map((p) => p.join("")),
    );
    fc.assert(
      fc.property(text, (t) => answers(() => parseQuantities(t)) && answers(() => parseMinAllocatable(t))),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

/** Valid resources in text form: name(role):value with scalars, ranges and sets. */
const role = fc.constantFrom("*", "a", "web", "eng/web");
const validToken = fc.oneof(
  fc
    .tuple(fc.constantFrom("cpus", "mem", "disk", "gpus"), role, fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 999 }))
    .map(([n, r, whole, frac]) => ({
      name: n,
      role: r,
      text: `${n}${r === "*" ? "" : `(${r})`}:${whole}.${String(frac).padStart(3, "0")}`,
      scalar: whole + frac / 1000,
    })),
  fc
    .tuple(role, fc.array(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 4 }))
    .map(([r, pairs]) => ({
      name: "ports",
      role: r,
      text: `ports${r === "*" ? "" : `(${r})`}:[${pairs.map(([b, w]) => `${b}-${b + w}`).join(",")}]`,
      scalar: undefined as number | undefined,
    })),
);

test(
  "valid resource text parses and keeps its quantities",
  () => {
    fc.assert(
      fc.property(fc.uniqueArray(validToken, { selector: (t) => `${t.name}(${t.role})`, maxLength: 6 }), (tokens) => {
        const parsed = parseResources(tokens.map((t) => t.text).join(";"));
        for (const t of tokens) {
          if (t.scalar === undefined || t.scalar === 0) continue;
          const found = parsed.toArray().find((r) => r.name === t.name && (r.reservations[0]?.role ?? "*") === t.role);
          expect(found?.scalar?.value).toBeCloseTo(t.scalar, 3);
        }
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);
