/**
 * An executor's sandbox, read from its agent by JSONP as the Mesos UI reads it: the directory
 * (`/files/browse`), downloads (`/files/download`), and a file viewer that tails (`/files/read`)
 * and follows a growing file. The sandbox is found in the agent's /state, running or completed.
 * The master's own log (`/master/log`) is shown the same way.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { agentUrl, type Json, jsonp } from "../api.ts";
import { Card, Failed, Id, timeAgo, useStore } from "../components.tsx";
import type { Store } from "../store.ts";

/** The executor's sandbox directory on its agent: a live run first, else the latest completed one. */
async function findSandbox(base: string, agentId: string, frameworkId: string, executorId: string): Promise<string> {
  const state = await jsonp(`${base}/state`);
  const frameworks = [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])].filter((f: Json) => f.id === frameworkId);
  const live = frameworks.flatMap((f: Json) => f.executors ?? []).find((e: Json) => e.id === executorId);
  if (live) return live.directory;
  const done = frameworks.flatMap((f: Json) => f.completed_executors ?? []).filter((e: Json) => e.id === executorId);
  if (done.length > 0) return done[done.length - 1].directory;
  return `/slaves/${agentId}/frameworks/${frameworkId}/executors/${executorId}/runs/latest`;
}

function useSandbox(store: Store, agentId: string, frameworkId: string, executorId: string) {
  useStore(store);
  const agent = store.agents.get(agentId);
  const base = agent ? agentUrl(agent.pid) : "";
  const [root, setRoot] = useState<{ dir?: string; error?: string }>({});
  useEffect(() => {
    if (!base) return;
    findSandbox(base, agentId, frameworkId, executorId).then(
      (dir) => setRoot({ dir }),
      (e) => setRoot({ error: String(e.message ?? e) }),
    );
  }, [base, agentId, frameworkId, executorId]);
  return { base, root, missing: !agent };
}

export function Sandbox({
  store,
  agentId,
  frameworkId,
  executorId,
  path,
}: {
  store: Store;
  agentId: string;
  frameworkId: string;
  executorId: string;
  path: string;
}) {
  const { base, root, missing } = useSandbox(store, agentId, frameworkId, executorId);
  const [listing, setListing] = useState<{ files?: Json[]; error?: string }>({});
  const dir = root.dir ? `${root.dir}${path ? `/${path}` : ""}` : "";
  useEffect(() => {
    if (!dir) return;
    jsonp(`${base}/files/browse?path=${encodeURIComponent(dir)}`).then(
      (files) => setListing({ files }),
      (e) => setListing({ error: String(e.message ?? e) }),
    );
  }, [dir]);
  if (missing) return <p class="error">Agent {agentId} is not registered.</p>;
  const here = `#/sandbox/${agentId}/${frameworkId}/${encodeURIComponent(executorId)}`;
  const crumbs = path ? path.split("/") : [];
  return (
    <Card title={`Sandbox of ${executorId}`}>
      <p>
        <Id value={dir} />
      </p>
      <nav class="crumbs">
        <a href={here}>sandbox</a>
        {crumbs.map((c, i) => (
          <>
            {" / "}
            <a href={`${here}?path=${encodeURIComponent(crumbs.slice(0, i + 1).join("/"))}`}>{c}</a>
          </>
        ))}
      </nav>
      <Failed error={root.error ?? listing.error} />
      <table class="list" data-testid="sandbox">
        <thead>
          <tr>
            <th>Mode</th>
            <th>Owner</th>
            <th>Size</th>
            <th>Modified</th>
            <th>Name</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(listing.files ?? []).map((f: Json) => {
            const name = f.path.slice(f.path.lastIndexOf("/") + 1);
            const rel = path ? `${path}/${name}` : name;
            const isDir = f.mode.startsWith("d");
            return (
              <tr data-file={name}>
                <td>
                  <code>{f.mode}</code>
                </td>
                <td>{f.uid}</td>
                <td>{isDir ? "" : f.size}</td>
                <td>{timeAgo(f.mtime)}</td>
                <td>
                  <a
                    href={
                      isDir
                        ? `${here}?path=${encodeURIComponent(rel)}`
                        : `#/file/${agentId}/${frameworkId}/${encodeURIComponent(executorId)}?path=${encodeURIComponent(rel)}`
                    }
                  >
                    {name}
                    {isDir ? "/" : ""}
                  </a>
                </td>
                <td>{isDir ? "" : <a href={`${base}/files/download?path=${encodeURIComponent(f.path)}`}>Download</a>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

/** How much of a file the viewer shows at first: its last 64 KiB. */
const TAIL = 65536;

export function FileViewer({
  store,
  agentId,
  frameworkId,
  executorId,
  path,
}: {
  store: Store;
  agentId: string;
  frameworkId: string;
  executorId: string;
  path: string;
}) {
  const { base, root } = useSandbox(store, agentId, frameworkId, executorId);
  const file = root.dir ? `${root.dir}/${path}` : "";
  return (
    <Card title={path}>
      <Failed error={root.error} />
      <Tail base={base} file={file}>
        <a href={`#/sandbox/${agentId}/${frameworkId}/${encodeURIComponent(executorId)}`}>Back to the sandbox</a>
      </Tail>
    </Card>
  );
}

/** The master's own log (`/master/log`, attached with --log_dir). */
export function MasterLog() {
  return (
    <Card title="Master log">
      <Tail base="" file="/master/log" />
    </Card>
  );
}

/** A file served by `${base}/files/read`: its last 64 KiB, then what is appended while following. */
function Tail({ base, file, children }: { base: string; file: string; children?: ComponentChildren }) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const [follow, setFollow] = useState(true);
  const offset = useRef(-1);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!file) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = (o: number) => `${base}/files/read?path=${encodeURIComponent(file)}&offset=${o}`;
    const step = async () => {
      try {
        if (offset.current < 0) {
          const { offset: size } = await jsonp(url(-1));
          offset.current = Math.max(0, size - TAIL);
        }
        // Read until caught up (each answer is at most 64 KiB).
        for (;;) {
          const { data } = await jsonp(url(offset.current));
          if (stopped || !data) break;
          offset.current += new TextEncoder().encode(data).length;
          setText((t) => t + data);
        }
        setError("");
      } catch (e) {
        setError(String((e as Error).message ?? e));
      }
      if (!stopped && follow) timer = setTimeout(step, 1000);
    };
    void step();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [file, follow]);
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);
  return (
    <>
      <div class="toolbar">
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> Follow
        </label>
        {children}
        {file ? <a href={`${base}/files/download?path=${encodeURIComponent(file)}`}>Download</a> : null}
      </div>
      <Failed error={error} />
      <pre class="file" ref={pre} data-testid="file">
        {text}
      </pre>
    </>
  );
}
