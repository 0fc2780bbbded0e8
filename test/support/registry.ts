/**
 * The test registry (@mesos/images/testing's, run as a daemon of the test file so it is killed
 * after it), skopeo, and self-signed certificates for HTTPS registries and token servers.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { type RegistryOptions, startRegistry as startRegistryProcess, type TestRegistry } from "@mesos/images/testing";
import { startProcess } from "./processes.ts";

export { pushBlob, pushImage, pushManifest, type RegistryOptions, type TestRegistry } from "@mesos/images/testing";

export function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  return startRegistryProcess(options, (cmd) => startProcess(cmd, "docker-registry"));
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", prefix));
}

/** Runs skopeo (for schema 1 conversion and `docker save` archives); throws with its stderr on failure. */
export async function skopeo(args: string[]): Promise<void> {
  const p = Bun.spawn(["skopeo", "--insecure-policy", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`skopeo ${args.join(" ")} failed (${code}): ${err}`);
}

/** A self-signed certificate and key (PEM files) for 127.0.0.1 and localhost. */
export async function selfSignedCertificate(cn: string): Promise<{ certFile: string; keyFile: string; cert: string }> {
  const dir = tempDir("cert-");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const p = Bun.spawn(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`openssl failed: ${err}`);
  return { certFile, keyFile, cert: await Bun.file(certFile).text() };
}
