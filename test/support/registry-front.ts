/**
 * An HTTP front for a test registry, to show the client behaviours a bare registry cannot:
 * - blobs redirected to another host (as registries send them to S3 or a CDN): the front answers
 *   blob GETs with 307 to a blob server on `localhost` (another origin than `127.0.0.1`), which
 *   records the Authorization header it got;
 * - schema 1 manifests served unsigned (`...manifest.v1+json`), as some registries serve them;
 * - a 401 with a fresh Bearer challenge on the first blob GET, as when a token expires mid-pull.
 * Everything else is passed through to the registry unchanged.
 */
export interface FrontOptions {
  redirectBlobs?: boolean;
  unsignSchema1?: boolean;
  /** The challenge to answer the first blob GET with (e.g. the registry's own Bearer challenge). */
  rejectFirstBlobWith?: string;
  /** Credentials the blob server uses to read from the registry. */
  blobServerAuthorization?: string;
}

export interface RegistryFront {
  url: string;
  host: string;
  /** The Authorization header of each request the blob server got (null: none). */
  blobServerAuth: (string | null)[];
  /** The Authorization header of each request the front got. */
  frontAuth: (string | null)[];
  stop(): void;
}

export function startRegistryFront(registryUrl: string, options: FrontOptions): RegistryFront {
  const blobServerAuth: (string | null)[] = [];
  const frontAuth: (string | null)[] = [];
  let rejected = false;
  const blobServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      blobServerAuth.push(req.headers.get("authorization"));
      const path = new URL(req.url).pathname.replace(/^\/storage/, "");
      const headers: Record<string, string> = options.blobServerAuthorization ? { Authorization: options.blobServerAuthorization } : {};
      const upstream = await fetch(`${registryUrl}${path}`, { headers, tls: { rejectUnauthorized: false } });
      return new Response(upstream.body, { status: upstream.status, headers: { "Content-Type": "application/octet-stream" } });
    },
  });
  const front = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      frontAuth.push(req.headers.get("authorization"));
      const isBlob = /^\/v2\/.+\/blobs\/sha256:/.test(url.pathname);
      if (isBlob && options.rejectFirstBlobWith && !rejected) {
        rejected = true;
        return new Response('{"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]}', {
          status: 401,
          headers: { "WWW-Authenticate": options.rejectFirstBlobWith, "Content-Type": "application/json" },
        });
      }
      if (isBlob && options.redirectBlobs) {
        return new Response(null, { status: 307, headers: { Location: `http://localhost:${blobServer.port}/storage${url.pathname}?sig=abc` } });
      }
      const headers = new Headers(req.headers);
      headers.delete("host");
      const upstream = await fetch(`${registryUrl}${url.pathname}${url.search}`, { headers, redirect: "manual", tls: { rejectUnauthorized: false } });
      const type = upstream.headers.get("content-type") ?? "";
      if (options.unsignSchema1 && type.startsWith("application/vnd.docker.distribution.manifest.v1+prettyjws")) {
        const body = new Uint8Array(await upstream.arrayBuffer());
        const payload = unsigned(body);
        const digest = `sha256:${new Bun.CryptoHasher("sha256").update(payload).digest("hex")}`;
        return new Response(payload, {
          status: upstream.status,
          headers: { "Content-Type": "application/vnd.docker.distribution.manifest.v1+json", "Docker-Content-Digest": digest },
        });
      }
      const out = new Headers(upstream.headers);
      out.delete("content-encoding");
      out.delete("content-length");
      return new Response(upstream.body, { status: upstream.status, headers: out });
    },
  });
  return {
    url: `http://127.0.0.1:${front.port}`,
    host: `127.0.0.1:${front.port}`,
    blobServerAuth,
    frontAuth,
    stop() {
      front.stop(true);
      blobServer.stop(true);
    },
  };
}

/** A signed schema 1 manifest's payload: cut at formatLength, plus formatTail (JWS "prettyjws"). */
function unsigned(body: Uint8Array): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(body));
  const header = JSON.parse(Buffer.from(json.signatures[0].protected, "base64url").toString());
  return Buffer.concat([body.subarray(0, header.formatLength), Buffer.from(header.formatTail, "base64url")]);
}
