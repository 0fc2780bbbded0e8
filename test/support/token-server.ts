/**
 * A small Docker token server for registry tests (the token auth spec): `GET /token?service=&scope=`
 * with optional Basic credentials answers `{token, expires_in}`, a JWT signed with ES256 whose
 * certificate (in `x5c`) the registry trusts through its `rootcertbundle`. It records each request.
 */
import { readFileSync } from "node:fs";
import { selfSignedCertificate } from "./registry.ts";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Every token request: the scope asked for and the user (undefined: anonymous). */
  requests: { scope: string; user?: string }[];
  /** A token for pushing to `repo` (for the test's own uploads). */
  pushToken(repo: string): Promise<string>;
  stop(): void;
}

export interface TokenServerOptions {
  /** Users allowed; without, anyone gets a token. */
  users?: Record<string, string>;
  /** Lifetime of a token (expires_in), seconds. */
  expiresIn?: number;
}

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const { certFile, keyFile, cert } = await selfSignedCertificate("test-token-issuer");
  const keyDer = Buffer.from(
    readFileSync(keyFile, "utf8")
      .replace(/-----[^-]+-----/g, "")
      .replace(/\s+/g, ""),
    "base64",
  );
  const key = await crypto.subtle.importKey("pkcs8", keyDer, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const certDer = cert.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const service = "test-registry";
  const issuer = "test-token-issuer";
  const expiresIn = options.expiresIn ?? 300;
  const requests: TokenServer["requests"] = [];

  async function sign(subject: string, scopes: string[]): Promise<string> {
    const access = scopes.flatMap((s) => {
      const m = /^repository:(.+):([a-z,*]+)$/.exec(s);
      return m ? [{ type: "repository", name: m[1], actions: m[2]!.split(",") }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", x5c: [certDer] }));
    const claims = b64url(
      JSON.stringify({ iss: issuer, sub: subject, aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: crypto.randomUUID(), access }),
    );
    const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(`${header}.${claims}`));
    return `${header}.${claims}.${b64url(new Uint8Array(signature))}`;
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== "/token") return new Response("not found", { status: 404 });
      const scopes = url.searchParams.getAll("scope");
      let user: string | undefined;
      const auth = req.headers.get("authorization");
      if (auth?.startsWith("Basic ")) {
        const [u, p] = Buffer.from(auth.slice(6), "base64").toString().split(":");
        if (options.users?.[u!] !== p) return new Response("bad credentials", { status: 401 });
        user = u;
      } else if (options.users) {
        return new Response("credentials required", { status: 401 });
      }
      requests.push({ scope: scopes.join(" "), user });
      return Response.json({ token: await sign(user ?? "anonymous", scopes), expires_in: expiresIn, issued_at: new Date().toISOString() });
    },
  });

  return {
    realm: `http://127.0.0.1:${server.port}/token`,
    service,
    issuer,
    certFile,
    requests,
    pushToken: (repo) => sign("pusher", [`repository:${repo}:pull,push`]),
    stop: () => server.stop(true),
  };
}
