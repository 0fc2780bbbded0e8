/**
 * A gRPC connection to a CSI plugin's unix socket: Connect's gRPC transport over one HTTP/2 session.
 * Every failure comes out as a `CsiCallError` naming the RPC (`/csi.v1.Controller/CreateVolume`) and
 * its gRPC status, as Mesos logs them. Losing the plugin (socket missing, refused or closed mid-call)
 * is UNAVAILABLE, as gRPC's C core reports it, so the callers' retry rules see one code.
 */
import net from "node:net";
import type { DescService } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { MesosError, type ErrorKind } from "@mesos/core";

/** Mesos's per-call deadline (process::grpc::CallOptions). */
export const DEFAULT_RPC_TIMEOUT_MS = 60_000;

/** `CANCELLED`, `DEADLINE_EXCEEDED`...: the status names gRPC and Mesos print. */
export function grpcCodeName(code: Code): string {
  return (Code[code] ?? String(code)).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

const KIND_OF: Partial<Record<Code, ErrorKind>> = {
  [Code.InvalidArgument]: "invalid",
  [Code.OutOfRange]: "invalid",
  [Code.NotFound]: "not_found",
  [Code.AlreadyExists]: "conflict",
  [Code.FailedPrecondition]: "failed_precondition",
  [Code.PermissionDenied]: "permission_denied",
  [Code.Unavailable]: "unavailable",
  [Code.DeadlineExceeded]: "unavailable",
  [Code.Unimplemented]: "unimplemented",
};

/** A CSI call that did not succeed: `code` is the gRPC status. */
export class CsiCallError extends MesosError {
  constructor(
    readonly method: string,
    readonly code: Code,
    readonly detail: string,
  ) {
    super(KIND_OF[code] ?? "internal", `${method} failed: ${grpcCodeName(code)}: ${detail}`);
    this.name = "CsiCallError";
  }
}

const LOST_CONNECTION = new Set(["ENOENT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTCONN"]);

function statusOf(e: ConnectError): Code {
  const cause = (e.cause as { code?: string } | undefined)?.code;
  if (e.code === Code.Internal && cause && LOST_CONNECTION.has(cause)) return Code.Unavailable;
  // The plugin died mid-call: the HTTP/2 stream is reset. We never cancel calls ourselves.
  if (e.code === Code.Canceled && /stream closed/.test(e.rawMessage)) return Code.Unavailable;
  return e.code;
}

/** A CSI call that did not succeed as a CsiCallError, whatever the transport threw. */
export function toCsiCallError(method: string, e: unknown): CsiCallError {
  if (e instanceof CsiCallError) return e;
  if (e instanceof ConnectError) return new CsiCallError(method, statusOf(e), e.rawMessage);
  return new CsiCallError(method, Code.Unavailable, e instanceof Error ? e.message : String(e));
}

/**
 * A Connect client of one CSI service whose failures are CsiCallErrors (an interceptor cannot do
 * this: Connect turns anything but a ConnectError thrown there into UNKNOWN).
 */
export function createCsiServiceClient<T extends DescService>(service: T, transport: Transport): Client<T> {
  const client = createClient(service, transport) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const wrapped: Record<string, unknown> = {};
  for (const method of service.methods) {
    const call = client[method.localName]!;
    const name = `/${service.typeName}/${method.name}`;
    wrapped[method.localName] = (...args: unknown[]) => call(...args).catch((e) => Promise.reject(toCsiCallError(name, e)));
  }
  return wrapped as Client<T>;
}

export interface CsiConnection {
  readonly endpoint: string;
  readonly transport: Transport;
  close(): void;
}

/** `unix:///run/csi.sock` -> `/run/csi.sock`; CSI endpoints are unix sockets. */
export function endpointPath(endpoint: string): string {
  if (!endpoint.startsWith("unix://")) throw new MesosError("invalid", `Unsupported CSI endpoint '${endpoint}': expected unix:///path`);
  return endpoint.slice("unix://".length);
}

export function connectCsi(endpoint: string, options: { rpcTimeoutMs?: number } = {}): CsiConnection {
  const socket = endpointPath(endpoint);
  const sessions = new Http2SessionManager("http://localhost", {}, { createConnection: () => net.connect(socket) } as never);
  const transport = createGrpcTransport({
    baseUrl: "http://localhost",
    sessionManager: sessions,
    defaultTimeoutMs: options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
  });
  return { endpoint, transport, close: () => sessions.abort() };
}
