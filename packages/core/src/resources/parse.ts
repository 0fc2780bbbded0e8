/**
 * Parsing resources from the text form Mesos takes on the command line
 * (`cpus:4;mem:1024;ports:[31000-32000];disk(role):10`) or from a JSON array of Resource objects.
 * Errors name the token that is wrong.
 */
import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type Resource, Resource_ReservationInfo_Type, ResourceSchema, Value_Type } from "@mesos/proto";
import { invalid } from "../errors.ts";
import { parseRanges } from "./ranges.ts";
import { Resources } from "./resources.ts";
import { validateInputScalarValue } from "./scalar.ts";
import { parseSet } from "./sets.ts";
import { validateResource, validateResources } from "./validate.ts";
import { upgradeResource } from "./reservation-format.ts";

export interface ParseResourcesOptions {
  /** Role for resources written without `(role)`; a role other than `*` is a static reservation. */
  defaultRole?: string;
}

/** Parses the text or JSON form and validates the result. Throws MesosError("invalid"). */
export function parseResources(text: string, options: ParseResourcesOptions = {}): Resources {
  const trimmed = text.trim();
  const list = trimmed.startsWith("[") ? parseJsonList(trimmed) : parseTextList(trimmed, options.defaultRole ?? "*");
  const error = validateResources(list);
  if (error) throw invalid(`Invalid resources '${text}': ${error}`);
  return Resources.of(list);
}

function parseTextList(text: string, defaultRole: string): Resource[] {
  const out: Resource[] = [];
  for (const rawToken of text.split(";")) {
    const token = rawToken.trim();
    if (token === "") continue;
    const colon = token.indexOf(":");
    if (colon === -1 || token.indexOf(":", colon + 1) !== -1) {
      throw invalid(`Bad value for resources, missing or extra ':' in '${token}'`);
    }
    const head = token.slice(0, colon);
    const valueText = token.slice(colon + 1).trim();
    let name = head.trim();
    let role = defaultRole;
    const open = head.indexOf("(");
    if (open !== -1) {
      const close = head.indexOf(")");
      if (close === -1 || close < open || head.slice(close + 1).trim() !== "") {
        throw invalid(`Bad value for resources, mismatched parentheses in '${token}'`);
      }
      name = head.slice(0, open).trim();
      role = head.slice(open + 1, close).trim();
    }
    if (name === "") throw invalid(`Bad value for resources, empty name in '${token}'`);
    out.push(makeResource(name, valueText, role, token));
  }
  return out;
}

function makeResource(name: string, valueText: string, role: string, token: string): Resource {
  const reservations = role === "*" ? [] : [{ type: Resource_ReservationInfo_Type.STATIC, role }];
  let r: Resource;
  try {
    if (valueText.startsWith("[")) {
      r = create(ResourceSchema, { name, type: Value_Type.RANGES, ranges: { range: parseRanges(valueText) }, reservations });
    } else if (valueText.startsWith("{")) {
      r = create(ResourceSchema, { name, type: Value_Type.SET, set: { item: parseSet(valueText) }, reservations });
    } else {
      if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(valueText)) {
        throw new Error(`'${valueText}' is not a number, a range list or a set`);
      }
      const scalarError = validateInputScalarValue(Number(valueText));
      if (scalarError) throw new Error(`Invalid scalar value '${valueText}': ${scalarError}`);
      r = create(ResourceSchema, { name, type: Value_Type.SCALAR, scalar: { value: Number(valueText) }, reservations });
    }
  } catch (e) {
    throw invalid(`Bad value for resource '${token}': ${(e as Error).message}`);
  }
  const error = validateResource(r);
  if (error) throw invalid(`Bad value for resource '${token}': ${error}`);
  return r;
}

function parseJsonList(text: string): Resource[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`Resources JSON is malformed: ${(e as Error).message}`);
  }
  if (!Array.isArray(json)) throw invalid("Resources JSON must be an array of Resource objects");
  return json.map((item, i) => {
    try {
      return upgradeResource(fromJson(ResourceSchema, item as JsonValue));
    } catch (e) {
      throw invalid(`Resources JSON item ${i} is not a valid Resource: ${(e as Error).message}`);
    }
  });
}
