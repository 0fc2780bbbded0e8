/**
 * Serves gRPC (HTTP/2 without TLS) on a unix socket, as CSI requires, with Connect's node adapter on
 * node:http2. A service this server does not have (e.g. the other CSI version) answers gRPC status
 * 12 UNIMPLEMENTED in trailers, which every gRPC client reads as "unknown service"; a method left out
 * of a service answers 12 as well. Handler errors that are not gRPC statuses become INTERNAL.
 */
import { existsSync, mkdirSync, unlinkSync } from "node:fs";
import http2 from "node:http2";
import { dirname } from "node:path";
import { Code, type ConnectRouter, ConnectError, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

export interface GrpcServer {
  socket: string;
  close(): Promise<void>;
}

/** `unix:///run/x.sock` or a plain path -> the socket path. */
function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith("unix://")) return endpoint.slice("unix://".length);
  if (endpoint.includes("://")) throw new Error(`Unsupported endpoint '${endpoint}': only unix:// sockets are served`);
  return endpoint;
}

const internalErrors: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (e) {
    if (e instanceof ConnectError) throw e;
    throw new ConnectError(e instanceof Error ? e.message : String(e), Code.Internal);
  }
};

export async function serveGrpc(endpoint: string, routes: (router: ConnectRouter) => void): Promise<GrpcServer> {
  const socket = socketPathOf(endpoint);
  mkdirSync(dirname(socket), { recursive: true });
  if (existsSync(socket)) unlinkSync(socket);
  const handler = connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    interceptors: [internalErrors],
    routes,
    fallback(_req, res) {
      // Status in trailers: with the status in the headers of an empty reply, grpc-js and grpc-go
      // report INTERNAL ("without sending trailers") instead of UNIMPLEMENTED.
      res.writeHead(200, { "content-type": "application/grpc" });
      res.addTrailers({ "grpc-status": String(Code.Unimplemented), "grpc-message": "unknown service" });
      res.end();
    },
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        if (existsSync(socket)) unlinkSync(socket);
      }),
  };
}
