/**
 * Image references, parsed and normalised the way Docker does (distribution's `reference` package):
 * `busybox` is `docker.io/library/busybox:latest`, the first component is a registry only when it
 * looks like a host (has `.` or `:`, or is `localhost`), and a `@sha256:` digest wins over a tag.
 */
import { invalid } from "@mesos/core";
import { parseDigest } from "./digest.ts";

export const DOCKER_HUB_DOMAIN = "docker.io";

export interface ImageReference {
  /** The registry host (and port) written in the name, or undefined for the default registry. */
  domain?: string;
  /** The repository path, e.g. `library/busybox` on Docker Hub or `team/app` elsewhere. */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Parses `[domain/]path[:tag][@digest]`; the error names what is wrong with the name. */
export function parseImageReference(name: string): ImageReference {
  const bad = (why: string) => invalid(`Invalid image name '${name}': ${why}`);
  if (name.length === 0) throw bad("empty");
  if (name !== name.trim()) throw bad("surrounding spaces");
  let rest = name;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    if (rest.indexOf("@", at + 1) >= 0) throw bad("more than one '@'");
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      parseDigest(digest);
    } catch (e) {
      throw bad((e as Error).message);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`bad tag '${tag}'`);
  }
  let domain: string | undefined;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()) {
      domain = first;
      rest = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw bad(`bad registry '${domain}'`);
    }
  }
  if (rest.length === 0) throw bad("no repository");
  for (const component of rest.split("/")) {
    if (!COMPONENT.test(component)) throw bad(`bad repository component '${component}' (lower-case letters, digits and . _ - only)`);
  }
  if ((domain ? domain.length + 1 : 0) + rest.length > 255) throw bad("longer than 255 characters");
  if (domain === "index.docker.io") domain = DOCKER_HUB_DOMAIN;
  return { domain, path: rest, tag, digest };
}

/** `name[:tag][@digest]` with the domain written only when the reference has one. */
export function formatImageReference(ref: ImageReference): string {
  const name = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
  return `${name}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Where a reference is pulled from: the registry's base URL and the repository path on it. */
export interface RegistryLocation {
  /** e.g. `https://registry-1.docker.io` or `http://127.0.0.1:5000`. */
  baseUrl: string;
  /** host[:port] as written in docker config files and image names (`docker.io` for Docker Hub). */
  registry: string;
  repository: string;
  /** What to ask for: the digest when there is one, else the tag (`latest` by default). */
  reference: string;
  /** The fully qualified name, e.g. `docker.io/library/busybox:latest` (with `@digest` when pulled by digest). */
  canonical: string;
}

/**
 * Resolves a parsed reference against the default registry (`--docker_registry`), as Mesos does:
 * a name without a registry goes to the default one; on Docker Hub a one-component repository gets
 * `library/`; a registry with a port on localhost or 127.0.0.1 (or port 80) speaks HTTP, others HTTPS,
 * unless it is the default registry, whose URL says which.
 */
export function locateImage(ref: ImageReference, defaultRegistry: string): RegistryLocation {
  const defaultUrl = parseRegistryUrl(defaultRegistry);
  let origin: string;
  let registry: string;
  if (ref.domain === undefined || sameRegistry(ref.domain, defaultUrl.host)) {
    origin = `${defaultUrl.protocol}//${defaultUrl.host}`;
    registry = isDockerHub(defaultUrl.hostname) ? DOCKER_HUB_DOMAIN : defaultUrl.host;
  } else if (ref.domain === DOCKER_HUB_DOMAIN) {
    origin = "https://registry-1.docker.io";
    registry = DOCKER_HUB_DOMAIN;
  } else {
    origin = `${registrySchemeFor(ref.domain)}://${ref.domain}`;
    registry = ref.domain;
  }
  const repository = isDockerHub(registry) && !ref.path.includes("/") ? `library/${ref.path}` : ref.path;
  const tag = ref.tag ?? (ref.digest ? undefined : "latest");
  return {
    baseUrl: origin,
    registry,
    repository,
    reference: ref.digest ?? tag!,
    canonical: `${registry}/${repository}${tag ? `:${tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`,
  };
}

function parseRegistryUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`Invalid docker registry URL '${value}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`Invalid docker registry URL '${value}': the scheme must be http or https`);
  }
  return url;
}

function isDockerHub(host: string): boolean {
  return host.includes("docker.io");
}

function sameRegistry(domain: string, host: string): boolean {
  if (domain === host) return true;
  return isDockerHub(domain) && isDockerHub(host);
}

/** Mesos's `getRegistryScheme`: port 443 is HTTPS, port 80 HTTP, a local registry with a port HTTP. */
export function registrySchemeFor(domain: string): "http" | "https" {
  const m = /^(.*?)(?::(\d+))?$/.exec(domain)!;
  const host = m[1]!;
  const port = m[2];
  if (port === undefined || port === "443") return "https";
  if (port === "80") return "http";
  if (host === "localhost" || host === "127.0.0.1" || host === "[::1]") return "http";
  return "https";
}
