export { CSI_API_VERSIONS, HOSTPATH_FLAGS, type HostpathOptions, runCsiHostpath, startHostpathPlugin } from "./run.ts";
export { type GrpcServer, serveGrpc, socketPathOf } from "./server.ts";
