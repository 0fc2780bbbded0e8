/**
 * A real Docker registry for tests and benchmarks: Debian's `docker-registry` (the CNCF
 * distribution registry) on 127.0.0.1 with a config written here, open, behind htpasswd Basic
 * auth, or behind token auth; optionally over HTTPS. Images are pushed with the registry API, and
 * its access log tells how often each blob was downloaded.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Blob, TestImage } from "./image-builder.ts";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export interface RegistryOptions {
  /** htpasswd Basic auth with these users. */
  users?: Record<string, string>;
  /** Token auth: the token server's realm, service and issuer, and the PEM file of its certificate. */
  token?: { realm: string; service: string; issuer: string; certFile: string };
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
}

/** A process whose output is collected (test/support's daemons are one). */
export interface RegistryProcess {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

export interface TestRegistry {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** e.g. `127.0.0.1:40123`: what image names start with. */
  host: string;
  dataDir: string;
  daemon: RegistryProcess;
  /** Successful (200) GETs of a blob so far, per digest, from the access log. */
  blobDownloads(digest?: string): number;
  /** The same, once the access log has stopped growing (it is written after each response ends). */
  settledBlobDownloads(digest?: string): Promise<number>;
  stop(): Promise<void>;
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), prefix));
}

/** `spawn` runs the registry (default: a plain child process; tests pass theirs, which they clean up). */
export async function startRegistry(options: RegistryOptions = {}, spawn: (cmd: string[]) => RegistryProcess = spawnProcess): Promise<TestRegistry> {
  const dir = tempDir("registry-");
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const lines = [
    "version: 0.1",
    "log:",
    "  level: info",
    "  accesslog:",
    "    disabled: false",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${dataDir}`,
    "  delete:",
    "    enabled: true",
    "http:",
    "  addr: 127.0.0.1:0",
    "  secret: test-secret",
  ];
  if (options.tls) lines.push("  tls:", `    certificate: ${options.tls.certFile}`, `    key: ${options.tls.keyFile}`);
  // Schema 1 pushes (signed by skopeo) are refused unless enabled.
  lines.push("compatibility:", "  schema1:", "    enabled: true");
  if (options.users) {
    const htpasswd = join(dir, "htpasswd");
    const entries = await Promise.all(
      Object.entries(options.users).map(async ([u, p]) => `${u}:${await Bun.password.hash(p, { algorithm: "bcrypt", cost: 4 })}`),
    );
    writeFileSync(htpasswd, `${entries.join("\n")}\n`);
    lines.push("auth:", "  htpasswd:", "    realm: test-registry", `    path: ${htpasswd}`);
  } else if (options.token) {
    const t = options.token;
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.certFile}`,
    );
  }
  const config = join(dir, "config.yml");
  writeFileSync(config, `${lines.join("\n")}\n`);
  const daemon = spawn([REGISTRY_BINARY, "serve", config]);
  const m = await daemon.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 20_000);
  const host = `127.0.0.1:${m[1]}`;
  const blobDownloads = (digest?: string) => {
    const re = /"GET \/v2\/\S+\/blobs\/(sha256:[a-f0-9]{64}) HTTP\/[\d.]+" 200 /g;
    return [...daemon.output().matchAll(re)].filter((x) => digest === undefined || x[1] === digest).length;
  };
  return {
    url: `${options.tls ? "https" : "http"}://${host}`,
    host,
    dataDir,
    daemon,
    blobDownloads,
    async settledBlobDownloads(digest) {
      let length = -1;
      for (let i = 0; i < 50 && daemon.output().length !== length; i++) {
        length = daemon.output().length;
        await Bun.sleep(100);
      }
      return blobDownloads(digest);
    },
    async stop() {
      await daemon.kill("SIGKILL");
    },
  };
}

/** Pushes a blob with the registry API (monolithic upload). */
export async function pushBlob(reg: TestRegistry, repo: string, b: Blob, authorization?: string): Promise<void> {
  const auth: Record<string, string> = authorization ? { Authorization: authorization } : {};
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: auth, tls: { rejectUnauthorized: false } });
  if (start.status !== 202) throw new Error(`blob upload to ${repo} refused: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get("location")!, reg.url);
  location.searchParams.set("digest", b.digest);
  const put = await fetch(location, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/octet-stream" },
    body: b.bytes,
    tls: { rejectUnauthorized: false },
  });
  if (put.status !== 201) throw new Error(`blob ${b.digest} upload failed: ${put.status} ${await put.text()}`);
}

export async function pushManifest(reg: TestRegistry, repo: string, ref: string, m: Blob, authorization?: string): Promise<void> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    method: "PUT",
    headers: { "Content-Type": m.mediaType, ...(authorization ? { Authorization: authorization } : {}) },
    body: m.bytes,
    tls: { rejectUnauthorized: false },
  });
  if (res.status !== 201) throw new Error(`manifest push to ${repo}:${ref} failed: ${res.status} ${await res.text()}`);
}

/** Pushes an image's blobs and manifest under `repo:tag`; returns the manifest's digest. */
export async function pushImage(reg: TestRegistry, repo: string, tag: string, image: TestImage, authorization?: string): Promise<string> {
  for (const b of [...image.layers, image.config]) await pushBlob(reg, repo, b, authorization);
  await pushManifest(reg, repo, tag, image.manifest, authorization);
  return image.manifest.digest;
}

function spawnProcess(cmd: string[]): RegistryProcess {
  const proc = Bun.spawn(cmd, { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return {
    output: () => text,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`docker-registry did not print ${pattern}:\n${text}`);
        await Bun.sleep(25);
      }
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
}
