import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseChallenges } from "./auth-challenge.ts";
import { basicAuthorization, credentialsFor, loadDockerConfigFlag, parseDockerConfig } from "./docker-config.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("docker config", () => {
  test("auths with 'auth' or username/password; the legacy form without 'auths'", () => {
    const auths = parseDockerConfig(
      JSON.stringify({ auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") }, "r.io:5000": { username: "u", password: "p:q" } } }),
    );
    expect(credentialsFor("docker.io", auths)).toEqual({ username: "hub", password: "pw" });
    expect(credentialsFor("r.io:5000", auths)).toEqual({ username: "u", password: "p:q" });
    expect(credentialsFor("r.io", auths)).toBeUndefined();
    const legacy = parseDockerConfig(JSON.stringify({ "http://r.io/v1/": { auth: b64("a:b"), email: "x" } }));
    expect(credentialsFor("r.io", legacy)).toEqual({ username: "a", password: "b" });
    expect(basicAuthorization({ username: "a", password: "b" })).toBe(`Basic ${b64("a:b")}`);
  });

  test("the first config with credentials wins (the image's secret before --docker_config)", () => {
    const secret = parseDockerConfig(JSON.stringify({ auths: { "r.io": { auth: b64("mine:1") } } }));
    const flag = parseDockerConfig(JSON.stringify({ auths: { "r.io": { auth: b64("agent:2") } } }));
    expect(credentialsFor("r.io", secret, flag)?.username).toBe("mine");
    expect(credentialsFor("r.io", undefined, flag)?.username).toBe("agent");
  });

  test("--docker_config is JSON or a path; malformed is an error naming the problem", () => {
    const path = join(process.env.MESOS_TEST_TMP ?? "/tmp", "docker-config.json");
    writeFileSync(path, JSON.stringify({ auths: { "r.io": { auth: b64("f:g") } } }));
    expect(credentialsFor("r.io", loadDockerConfigFlag(path))?.username).toBe("f");
    expect(credentialsFor("r.io", loadDockerConfigFlag(` {"auths": {"r.io": {"auth": "${b64("j:k")}"}}}`))?.username).toBe("j");
    expect(() => loadDockerConfigFlag("{not json")).toThrow(/Failed to parse the JSON/);
    expect(() => loadDockerConfigFlag("/no/such/file")).toThrow(/neither JSON nor an existing file/);
    expect(() => parseDockerConfig(JSON.stringify({ auths: { "r.io": { auth: b64("nocolon") } } }))).toThrow(/USER:PASSWORD/);
    expect(() => parseDockerConfig(JSON.stringify({ auths: [] }))).toThrow(/'auths' must be an object/);
  });
});

describe("WWW-Authenticate", () => {
  test("Bearer with quoted params containing commas; several challenges", () => {
    expect(parseChallenges('Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push"')).toEqual([
      { scheme: "bearer", params: { realm: "https://auth.io/token", service: "registry.io", scope: "repository:a/b:pull,push" } },
    ]);
    expect(parseChallenges('Basic realm="x", Bearer realm="y", error="insufficient_scope"')).toEqual([
      { scheme: "basic", params: { realm: "x" } },
      { scheme: "bearer", params: { realm: "y", error: "insufficient_scope" } },
    ]);
    expect(parseChallenges(null)).toEqual([]);
  });
});
