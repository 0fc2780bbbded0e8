/**
 * How the UI talks to the cluster: the master's operator API (`POST /api/v1`, JSON) for calls and
 * the SUBSCRIBE event stream (RecordIO of JSON events), v0 JSON on the master, and the agents'
 * v0 endpoints by JSONP (another origin, as the Mesos UI reads them).
 */

// biome-ignore lint/suspicious/noExplicitAny: Mesos's JSON is read loosely, field by field
export type Json = any;

/** Thrown when this master does not serve the operator API (it does not lead, or none does). */
export class NotLeading extends Error {}

export async function operatorCall(call: Json): Promise<Json> {
  let res: Response;
  try {
    res = await fetch("/api/v1", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(call),
      redirect: "manual",
    });
  } catch (e) {
    throw new NotLeading(String(e));
  }
  if (res.type === "opaqueredirect" || res.status === 307 || res.status === 503) throw new NotLeading(`${res.status}`);
  if (!res.ok) throw new Error(`${call.type}: ${res.status} ${await res.text()}`);
  return res.status === 202 ? {} : res.json();
}

export async function getJson(path: string): Promise<Json> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * SUBSCRIBE: calls `onEvent` for each event until the stream ends (resolves) or fails (rejects).
 * `signal` stops it. Counts the bytes received (what the live view costs).
 */
export async function subscribe(onEvent: (event: Json) => void, signal: AbortSignal, onBytes?: (n: number) => void): Promise<void> {
  let res: Response;
  try {
    res = await fetch("/api/v1", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ type: "SUBSCRIBE" }),
      redirect: "manual",
      signal,
    });
  } catch (e) {
    if (signal.aborted) return;
    throw new NotLeading(String(e));
  }
  if (res.type === "opaqueredirect" || res.status === 307 || res.status === 503) throw new NotLeading(`${res.status}`);
  if (!res.ok || !res.body) throw new Error(`SUBSCRIBE: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = new Uint8Array(0);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onBytes?.(value.length);
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    // RecordIO: "<length>\n<record>" repeated.
    for (;;) {
      const nl = buffer.indexOf(10);
      if (nl < 0) break;
      const length = Number(decoder.decode(buffer.subarray(0, nl)));
      if (buffer.length < nl + 1 + length) break;
      const record = buffer.subarray(nl + 1, nl + 1 + length);
      buffer = buffer.slice(nl + 1 + length);
      onEvent(JSON.parse(decoder.decode(record)));
    }
  }
}

let jsonpSequence = 0;

/** GET another origin's v0 JSON endpoint by JSONP (a script tag), as the Mesos UI reads agents. */
export function jsonp(url: string, timeoutMs = 10_000): Promise<Json> {
  return new Promise((resolve, reject) => {
    const name = `__mesos_jsonp_${++jsonpSequence}`;
    const script = document.createElement("script");
    const registry = window as unknown as Record<string, unknown>;
    const done = () => {
      clearTimeout(timer);
      delete registry[name];
      script.remove();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${url}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    registry[name] = (data: Json) => {
      done();
      resolve(data);
    };
    script.onerror = () => {
      done();
      reject(new Error(`${url}: failed (not found, or the agent is unreachable)`));
    };
    script.src = `${url}${url.includes("?") ? "&" : "?"}jsonp=${name}`;
    document.head.appendChild(script);
  });
}

/** An agent's base URL from its libprocess pid (`slave(1)@ip:port`). */
export const agentUrl = (pid: string) => `${location.protocol}//${pid.slice(pid.indexOf("@") + 1)}`;
