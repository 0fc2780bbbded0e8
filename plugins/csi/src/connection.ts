/**
 * A gRPC connection to a CSI plugin's unix socket: Connect's gRPC transport over one HTTP/2 session.
 * Every failure comes out as a `CsiCallError` naming the RPC (`/csi.v1.Controller/CreateVolume`) and
 * its gRPC status, as Mesos logs them. Losing the plugin (socket missing, refused or closed mid-call)
 * is UNAVAILABLE, as gRPC's C core reports it, so the callers' retry rules see one code.
 */
import net from "node:net";
import type { DescService } from "@bufbuild/protobuf";
import { type CallOptions, type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { MesosError, type ErrorKind } from "@mesos/core";

/** Mesos's per-call deadline (process::grpc::CallOptions). */
export const DEFAULT_RPC_TIMEOUT_MS = 60_000;

/** `CANCELLED`, `DEADLINE_EXCEEDED`...: the status names gRPC and Mesos print. */
function grpcCodeName(code: Code): string {
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

/** The call never reached the plugin: nothing listens on the socket (yet, or any more). */
function neverSent(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  return e instanceof ConnectError && (cause === "ENOENT" || cause === "ECONNREFUSED");
}

const WAIT_FOR_READY_POLL_MS = 50;

/**
 * A Connect client of one CSI service whose failures are CsiCallErrors (an interceptor cannot do
 * this: Connect turns anything but a ConnectError thrown there into UNKNOWN). Calls wait for the
 * plugin to be reachable until their deadline, as gRPC's wait-for-ready, which Mesos uses for every
 * CSI call: a plugin being restarted delays a call instead of failing it.
 */
export function createCsiServiceClient<T extends DescService>(service: T, connection: CsiConnection): Client<T> {
  const client = createClient(service, connection.transport) as Record<string, (req: unknown, options?: CallOptions) => Promise<unknown>>;
  const wrapped: Record<string, unknown> = {};
  for (const method of service.methods) {
    const call = client[method.localName]!;
    const name = `/${service.typeName}/${method.name}`;
    wrapped[method.localName] = async (req: unknown) => {
      const deadline = Date.now() + connection.rpcTimeoutMs;
      for (;;) {
        try {
          return await call(req, { timeoutMs: Math.max(1, deadline - Date.now()) });
        } catch (e) {
          if (!neverSent(e)) throw toCsiCallError(name, e);
          if (Date.now() + WAIT_FOR_READY_POLL_MS >= deadline) {
            throw new CsiCallError(
              name,
              Code.DeadlineExceeded,
              `the plugin was not reachable within ${connection.rpcTimeoutMs} ms: ${(e as ConnectError).rawMessage}`,
            );
          }
          await Bun.sleep(WAIT_FOR_READY_POLL_MS);
        }
      }
    };
  }
  return wrapped as Client<T>;
}

export interface CsiConnection {
  readonly endpoint: string;
  readonly transport: Transport;
  /** Each call's deadline. */
  readonly rpcTimeoutMs: number;
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
  const transport = createGrpcTransport({ baseUrl: "http://localhost", sessionManager: sessions });
  return { endpoint, transport, rpcTimeoutMs: options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS, close: () => sessions.abort() };
}
