/**
 * The agent's (and master's) file API as Mesos serves it: `GET /files/browse?path=` lists a
 * directory, `GET /files/read?path=&offset=&length=` reads a window of a file (`offset=-1` gives
 * just its size). Paths are the virtual ones the agent attaches, e.g.
 * `/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/latest`.
 */
import type { V1Endpoint } from "./v1-http.ts";
import { errorOfResponse } from "./v1-http.ts";

/** One entry of `/files/browse`, in Mesos's JSON shape. */
interface FileInfo {
  path: string;
  nlink: number;
  size: number;
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

interface FileChunk {
  /** Where `data` starts (the file's size for `offset=-1`). */
  offset: number;
  data: string;
}

export function createAgentFiles(endpoint: V1Endpoint) {
  const getJson = async <T>(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<T> => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const res = await endpoint.get(`${path}?${params}`, signal);
    if (!res.ok) throw await errorOfResponse(res, `${path} at ${endpoint.baseUrl()}`);
    return (await res.json()) as T;
  };
  return {
    browse: (path: string, signal?: AbortSignal) => getJson<FileInfo[]>("files/browse", { path }, signal),
    read: (path: string, offset: number, length?: number, signal?: AbortSignal) => getJson<FileChunk>("files/read", { path, offset, length }, signal),
    /** The file's size in bytes (`offset=-1`). */
    size: async (path: string, signal?: AbortSignal) => (await getJson<FileChunk>("files/read", { path, offset: -1 }, signal)).offset,
  };
}

export type AgentFiles = ReturnType<typeof createAgentFiles>;
