export { type HostpathOptions, runCsiHostpath, startHostpathPlugin } from "./run.ts";
export { serveGrpc } from "./server.ts";
