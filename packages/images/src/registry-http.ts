/**
 * GET requests to a registry on plain `fetch`, following redirects by hand so the Authorization
 * header never reaches another origin (registries send blob downloads to S3, GCS or a CDN with a
 * signed URL of their own), plus the text of a registry's error replies.
 */
import { MesosError, type ErrorKind } from "@mesos/core";
import { isObject } from "./image-config.ts";

export type FetchFn = (input: string, init: RequestInit & { tls?: { ca?: string | string[]; rejectUnauthorized?: boolean } }) => Promise<Response>;

export interface HttpOptions {
  fetch?: FetchFn;
  /** Extra CA certificates (PEM) trusted for HTTPS registries. */
  ca?: string;
  userAgent?: string;
}

const MAX_REDIRECTS = 10;

/** GETs `url`; `headers.Authorization` is dropped on any hop to another origin. */
export async function registryGet(url: string, headers: Record<string, string>, opts: HttpOptions, signal?: AbortSignal): Promise<Response> {
  const doFetch = opts.fetch ?? (fetch as unknown as FetchFn);
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === origin;
    const h: Record<string, string> = { "User-Agent": opts.userAgent ?? "mesos-ts", ...headers };
    if (!sameOrigin) delete h.Authorization;
    let response: Response;
    try {
      response = await doFetch(current, {
        method: "GET",
        headers: h,
        redirect: "manual",
        signal,
        ...(opts.ca && current.startsWith("https:") ? { tls: { ca: opts.ca } } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason ?? e;
      throw new MesosError("unavailable", `cannot reach ${new URL(current).host}: ${(e as Error).message}`, { cause: e });
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new MesosError("unavailable", `too many redirects fetching ${url}`);
      current = new URL(location, current).toString();
      continue;
    }
    return response;
  }
}

/**
 * The error of a failed reply, e.g. `manifest unknown (404)`: the registry's own message from its
 * JSON errors body when it has one, else the HTTP status.
 */
export async function responseError(response: Response, fallback: string): Promise<MesosError> {
  let detail = "";
  try {
    const text = await response.text();
    const json: unknown = JSON.parse(text);
    if (isObject(json) && Array.isArray(json.errors) && isObject(json.errors[0])) {
      const first = json.errors[0];
      detail = typeof first.message === "string" && first.message ? first.message : String(first.code ?? "");
    }
  } catch {}
  const text = detail ? detail.toLowerCase() : `${fallback}: HTTP ${response.status} ${response.statusText}`.trim();
  return new MesosError(kindOfStatus(response.status), `${text} (${response.status})`);
}

export function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_denied";
  if (status === 404) return "not_found";
  if (status === 429 || status >= 500) return "unavailable";
  return "invalid";
}
