/** The master's web UI: a hash router over the live store, a navigation bar and the leader banner. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useStore } from "./components.tsx";
import { AgentDetail, Agents } from "./pages/agents.tsx";
import { Maintenance, Offers, Operations, Roles } from "./pages/cluster.tsx";
import { FrameworkDetail, Frameworks } from "./pages/frameworks.tsx";
import { Overview } from "./pages/overview.tsx";
import { FileViewer, MasterLog, Sandbox } from "./pages/sandbox.tsx";
import { Tasks } from "./pages/tasks.tsx";
import { Store } from "./store.ts";

const NAV: [string, string][] = [
  ["#/", "Overview"],
  ["#/frameworks", "Frameworks"],
  ["#/agents", "Agents"],
  ["#/tasks", "Tasks"],
  ["#/roles", "Roles"],
  ["#/offers", "Offers"],
  ["#/operations", "Operations"],
  ["#/maintenance", "Maintenance"],
];

function useHash(): string {
  const [hash, setHash] = useState(location.hash || "#/");
  useEffect(() => {
    const on = () => setHash(location.hash || "#/");
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

function Page({ store, hash }: { store: Store; hash: string }) {
  const [route = "", query = ""] = hash.slice(1).split("?");
  const parts = route.split("/").filter(Boolean).map(decodeURIComponent);
  const path = new URLSearchParams(query).get("path") ?? "";
  switch (parts[0]) {
    case undefined:
      return <Overview store={store} />;
    case "frameworks":
      return parts[1] ? <FrameworkDetail store={store} id={parts[1]} /> : <Frameworks store={store} />;
    case "agents":
      return parts[1] ? <AgentDetail store={store} id={parts[1]} /> : <Agents store={store} />;
    case "tasks":
      return <Tasks store={store} />;
    case "roles":
      return <Roles store={store} />;
    case "offers":
      return <Offers store={store} />;
    case "operations":
      return <Operations store={store} />;
    case "maintenance":
      return <Maintenance store={store} />;
    case "sandbox":
      return <Sandbox store={store} agentId={parts[1]!} frameworkId={parts[2]!} executorId={parts[3]!} path={path} />;
    case "log":
      return <MasterLog />;
    case "file":
      return <FileViewer store={store} agentId={parts[1]!} frameworkId={parts[2]!} executorId={parts[3]!} path={path} />;
    default:
      return <p class="error">Nothing at {hash}</p>;
  }
}

function Banner({ store }: { store: Store }) {
  useStore(store);
  useEffect(() => {
    if (store.connection !== "not-leader") return;
    // Follow the leader, on the same page.
    const timer = setTimeout(() => location.assign(`${location.protocol}//${store.leader}/${location.hash}`), 3000);
    return () => clearTimeout(timer);
  }, [store.connection]);
  if (store.connection === "live") return null;
  if (store.connection === "not-leader") {
    return (
      <div class="banner" data-testid="leader-banner">
        This master does not lead. The leader is <a href={`${location.protocol}//${store.leader}/${location.hash}`}>{store.leader}</a>; following it…
      </div>
    );
  }
  return (
    <div class="banner" data-testid="connection-banner">
      {store.connection === "connecting" ? "Connecting to the master…" : `Reconnecting: ${store.error}`}
    </div>
  );
}

function App({ store }: { store: Store }) {
  const hash = useHash();
  const [dark, setDark] = useState(localStorage.getItem("mesos-ui-theme") === "dark");
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    localStorage.setItem("mesos-ui-theme", dark ? "dark" : "light");
  }, [dark]);
  const section = `#/${hash.slice(2).split(/[/?]/)[0]}`;
  return (
    <>
      <header>
        <strong>Mesos</strong>
        <nav>
          {NAV.map(([href, label]) => (
            <a href={href} class={section === href || (href !== "#/" && section.startsWith(href)) ? "current" : ""}>
              {label}
            </a>
          ))}
        </nav>
        <button type="button" class="theme" onClick={() => setDark(!dark)} title="Dark mode">
          {dark ? "☀" : "☾"}
        </button>
      </header>
      <Banner store={store} />
      <main>
        <Page store={store} hash={hash} />
      </main>
    </>
  );
}

const store = new Store();
store.start();
// For tests and curious operators: what the live stream has cost so far.
(window as unknown as { mesosUi: Store }).mesosUi = store;
render(<App store={store} />, document.getElementById("app")!);
