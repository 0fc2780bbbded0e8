/** Small pieces every page uses: hooks on the store, resource sums, tables, ids with a copy button. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Json } from "./api.ts";
import { isTerminal, type Store } from "./store.ts";

/** Re-renders the calling component whenever the store changes. */
export function useStore(store: Store): number {
  const [revision, setRevision] = useState(store.revision);
  useEffect(() => store.listen(() => setRevision(store.revision)), [store]);
  return revision;
}

/**
 * Data the event stream does not carry (roles, offers, operations, maintenance): fetched when the
 * page opens and again after events arrive (at most once a second), never on a timer.
 */
export function useFetched<T>(store: Store, load: () => Promise<T>): { data?: T; error?: string } {
  const revision = useStore(store);
  const [result, setResult] = useState<{ data?: T; error?: string }>({});
  const last = useRef(0);
  useEffect(() => {
    let cancelled = false;
    const wait = Math.max(0, last.current + 1000 - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      load().then(
        (data) => !cancelled && setResult({ data }),
        (e) => !cancelled && setResult({ error: String(e.message ?? e) }),
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [revision]);
  return result;
}

export type Quantities = Record<string, number>;

/** Scalar totals of a Resource list (v1 JSON) by name. */
export function sum(resources: Json[] | undefined, into: Quantities = {}): Quantities {
  for (const r of resources ?? []) if (r.scalar) into[r.name] = (into[r.name] ?? 0) + r.scalar.value;
  return into;
}

/** What a set of tasks holds: the resources of those that have not ended. */
export function used(tasks: Iterable<Json>): Quantities {
  const out: Quantities = {};
  for (const t of tasks) if (!isTerminal(t.state)) sum(t.resources, out);
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

export function formatQuantity(name: string, value: number | undefined): string {
  const v = value ?? 0;
  if (name === "mem" || name === "disk") return v >= 1024 ? `${round(v / 1024)} GB` : `${round(v)} MB`;
  return String(round(v));
}

export function Quantity({ q, name }: { q: Quantities; name: string }) {
  return <>{formatQuantity(name, q[name])}</>;
}

export const RESOURCE_NAMES = ["cpus", "gpus", "mem", "disk"];

export function Id({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => undefined,
    );
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <span class="id">
      <code>{value}</code>
      <button type="button" class="copy" title="Copy" onClick={copy}>
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`state ${state.toLowerCase()}`}>{state.replace(/^TASK_/, "")}</span>;
}

export function Failed({ error }: { error?: string }) {
  return error ? <p class="error">{error}</p> : null;
}

export function timeAgo(seconds: number | undefined): string {
  if (!seconds) return "";
  const s = Math.max(0, Date.now() / 1000 - seconds);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** A TimeInfo (`{nanoseconds}`) in seconds. */
export const seconds = (t: Json) => (t?.nanoseconds ? Number(t.nanoseconds) / 1e9 : undefined);
