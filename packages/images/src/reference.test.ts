import { describe, expect, test } from "bun:test";
import { formatImageReference, locateImage, parseImageReference, registrySchemeFor } from "./reference.ts";

const HUB = "https://registry-1.docker.io";
const DIGEST = `sha256:${"a".repeat(64)}`;

describe("image references", () => {
  test("normalised as Docker does", () => {
    expect(locateImage(parseImageReference("busybox"), HUB).canonical).toBe("docker.io/library/busybox:latest");
    expect(locateImage(parseImageReference("library/busybox:1.36"), HUB).canonical).toBe("docker.io/library/busybox:1.36");
    expect(locateImage(parseImageReference("docker.io/busybox"), HUB).canonical).toBe("docker.io/library/busybox:latest");
    expect(locateImage(parseImageReference("index.docker.io/team/app"), HUB).canonical).toBe("docker.io/team/app:latest");
    expect(locateImage(parseImageReference("team/app:v2"), HUB)).toEqual({
      baseUrl: HUB,
      registry: "docker.io",
      repository: "team/app",
      reference: "v2",
      canonical: "docker.io/team/app:v2",
    });
  });

  test("the first component is a registry only when it looks like a host", () => {
    expect(parseImageReference("localhost/app")).toEqual({ domain: "localhost", path: "app", tag: undefined, digest: undefined });
    expect(parseImageReference("r.example.com/a/b:1").domain).toBe("r.example.com");
    expect(parseImageReference("r:5000/x:1")).toEqual({ domain: "r:5000", path: "x", tag: "1", digest: undefined });
    expect(parseImageReference("team/app").domain).toBeUndefined();
  });

  test("a host:port registry without a tag", () => {
    const ref = parseImageReference("127.0.0.1:5000/a/b");
    expect(ref).toEqual({ domain: "127.0.0.1:5000", path: "a/b", tag: undefined, digest: undefined });
    expect(locateImage(ref, HUB)).toMatchObject({ baseUrl: "http://127.0.0.1:5000", reference: "latest", canonical: "127.0.0.1:5000/a/b:latest" });
  });

  test("a digest wins over a tag", () => {
    const ref = parseImageReference(`r.io/app:1.0@${DIGEST}`);
    expect(ref.tag).toBe("1.0");
    const loc = locateImage(ref, HUB);
    expect(loc.reference).toBe(DIGEST);
    expect(loc.canonical).toBe(`r.io/app:1.0@${DIGEST}`);
    expect(locateImage(parseImageReference(`busybox@${DIGEST}`), HUB).canonical).toBe(`docker.io/library/busybox@${DIGEST}`);
    expect(formatImageReference(ref)).toBe(`r.io/app:1.0@${DIGEST}`);
  });

  test("names without a registry go to --docker_registry, which says the scheme", () => {
    const loc = locateImage(parseImageReference("busybox"), "http://127.0.0.1:5000");
    expect(loc).toMatchObject({ baseUrl: "http://127.0.0.1:5000", registry: "127.0.0.1:5000", repository: "busybox" });
    // The default registry named explicitly keeps its scheme.
    expect(locateImage(parseImageReference("reg.local:8443/x"), "https://reg.local:8443").baseUrl).toBe("https://reg.local:8443");
  });

  test("scheme per Mesos: HTTP for local registries with a port and port 80", () => {
    expect(registrySchemeFor("localhost:5000")).toBe("http");
    expect(registrySchemeFor("127.0.0.1:5000")).toBe("http");
    expect(registrySchemeFor("r.io:80")).toBe("http");
    expect(registrySchemeFor("r.io:5000")).toBe("https");
    expect(registrySchemeFor("r.io")).toBe("https");
    expect(registrySchemeFor("localhost")).toBe("https");
  });

  test("bad names are named in the error", () => {
    expect(() => parseImageReference("")).toThrow(/empty/);
    expect(() => parseImageReference("Busybox")).toThrow(/bad repository component 'Busybox'/);
    expect(() => parseImageReference("a@b@c")).toThrow(/more than one '@'/);
    expect(() => parseImageReference("a@sha256:xyz")).toThrow(/bad digest/);
    expect(() => parseImageReference("a@md5:abc")).toThrow(/unsupported digest algorithm 'md5'/);
    expect(() => parseImageReference("a:b/c")).toThrow(/Invalid image name/);
    expect(() => parseImageReference("a:-tag")).toThrow(/bad tag/);
    expect(() => parseImageReference("r.io/")).toThrow(/Invalid image name/);
  });
});
