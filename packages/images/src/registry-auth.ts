/**
 * The registry's authentication, as Docker's token spec has it: requests carry Basic credentials
 * when the registry has some configured (Mesos does the same); a 401 with a Bearer challenge sends
 * us to the token server (`realm?service=&scope=`, with the Basic credentials if any), and the
 * token is cached per repository until it expires; a 401 with a Basic challenge means the
 * credentials are missing or wrong.
 */
import { type Clock, MesosError } from "@mesos/core";
import { parseChallenges } from "./auth-challenge.ts";
import { basicAuthorization, type Credentials } from "./docker-config.ts";
import { isObject } from "./image-config.ts";
import { type HttpOptions, registryGet, responseError } from "./registry-http.ts";

/** What a token is for: a repository on one registry, with one set of credentials. */
export interface AuthScope {
  /** host[:port], for messages. */
  registry: string;
  origin: string;
  repository: string;
  credentials?: Credentials;
}

export interface RegistryAuth {
  /** The Authorization header to send first (a cached token, else Basic credentials, else none). */
  header(scope: AuthScope): string | undefined;
  /** Answers a 401: fetches a fresh token, or throws when the registry refuses the credentials. */
  challenge(scope: AuthScope, response: Response, sent: string | undefined): Promise<string>;
}

/** Tokens without `expires_in` live 60 s (the spec's default); refresh a little before that. */
const DEFAULT_TOKEN_SECONDS = 60;
const EXPIRY_SLACK_MS = 5_000;

export function createRegistryAuth(deps: { clock: Clock; http: HttpOptions }): RegistryAuth {
  const tokens = new Map<string, { header: string; expiresAt: number }>();
  const keyOf = (s: AuthScope) => `${s.origin}|${s.repository}|${s.credentials?.username ?? ""}`;

  async function fetchToken(scope: AuthScope, params: Record<string, string>): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new MesosError("unauthenticated", `registry ${scope.registry} sent a Bearer challenge without a realm`);
    const url = new URL(realm);
    if (params.service) url.searchParams.set("service", params.service);
    for (const s of (params.scope ?? `repository:${scope.repository}:pull`).split(" ")) url.searchParams.append("scope", s);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (scope.credentials) headers.Authorization = basicAuthorization(scope.credentials);
    const response = await registryGet(url.toString(), headers, deps.http);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new MesosError(
        "unauthenticated",
        scope.credentials
          ? `the token server of ${scope.registry} refused the credentials of '${scope.credentials.username}' (${response.status})`
          : `the token server of ${scope.registry} wants credentials and none are configured (${response.status})`,
      );
    }
    if (!response.ok) throw await responseError(response, `token request to ${url.host}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch (e) {
      throw new MesosError("unavailable", `the token server of ${scope.registry} sent no JSON: ${(e as Error).message}`);
    }
    const token = isObject(body) ? (body.token ?? body.access_token) : undefined;
    if (typeof token !== "string" || token.length === 0) throw new MesosError("unavailable", `the token server of ${scope.registry} sent no token`);
    const seconds = isObject(body) && typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    // Counted from receipt on our clock: the server's `issued_at` is on its clock, not ours.
    const header = `Bearer ${token}`;
    tokens.set(keyOf(scope), { header, expiresAt: deps.clock.now() + seconds * 1000 - EXPIRY_SLACK_MS });
    return header;
  }

  return {
    header(scope) {
      const cached = tokens.get(keyOf(scope));
      if (cached && cached.expiresAt > deps.clock.now()) return cached.header;
      if (cached) tokens.delete(keyOf(scope));
      return scope.credentials ? basicAuthorization(scope.credentials) : undefined;
    },

    async challenge(scope, response, sent) {
      tokens.delete(keyOf(scope));
      const challenges = parseChallenges(response.headers.get("www-authenticate"));
      await response.body?.cancel();
      const bearer = challenges.find((c) => c.scheme === "bearer");
      if (bearer) return fetchToken(scope, bearer.params);
      if (challenges.some((c) => c.scheme === "basic")) {
        if (!scope.credentials) {
          throw new MesosError("unauthenticated", `registry ${scope.registry} wants credentials (Basic auth) and none are configured (401)`);
        }
        if (sent?.startsWith("Basic ")) {
          throw new MesosError("unauthenticated", `registry ${scope.registry} refused the credentials of '${scope.credentials.username}' (401)`);
        }
        return basicAuthorization(scope.credentials);
      }
      throw new MesosError("unauthenticated", `registry ${scope.registry} answered 401 without a usable challenge`);
    },
  };
}
