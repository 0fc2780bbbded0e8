/** A late-bound server with several listeners: one port, every listener answering, one owner of the port. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { serveLateBound } from "./late-bound-server.ts";

/** Sockets listening on `port` (IPv4), from /proc/net/tcp: state 0A is LISTEN. */
function listeningOn(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .filter((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A";
    }).length;
}

test("several listeners share the port (each its own accept queue) and all reach the handler; stop closes them all", async () => {
  const http = serveLateBound({ hostname: "127.0.0.1", port: 0, name: "Test", listeners: 4 });
  try {
    expect(listeningOn(http.port)).toBe(4);
    expect((await fetch(`http://127.0.0.1:${http.port}/`)).status).toBe(503);
    http.attach(() => new Response("ok"));
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => (await fetch(`http://127.0.0.1:${http.port}/`, { keepalive: false })).text()),
    );
    expect(new Set(answers)).toEqual(new Set(["ok"]));
  } finally {
    await http.stop(true);
  }
  expect(listeningOn(http.port)).toBe(0);
});

test("several listeners on a port given (checked free first, then shared)", async () => {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  const http = serveLateBound({ hostname: "127.0.0.1", port, name: "Test", listeners: 3 });
  try {
    expect(http.port).toBe(port);
    expect(listeningOn(port)).toBe(3);
  } finally {
    await http.stop(true);
  }
});

test("a port already listened on is refused, with several listeners too", async () => {
  const first = serveLateBound({ hostname: "127.0.0.1", port: 0, name: "Test", listeners: 2 });
  try {
    expect(() => serveLateBound({ hostname: "127.0.0.1", port: first.port, name: "Test", listeners: 2 })).toThrow(
      `Failed to listen on 127.0.0.1:${first.port} (--ip, --port)`,
    );
    expect(() => serveLateBound({ hostname: "127.0.0.1", port: first.port, name: "Test" })).toThrow("Failed to listen");
    expect(listeningOn(first.port)).toBe(2);
  } finally {
    await first.stop(true);
  }
});

test("a link (WebSocket upgrade) that comes while the app is not attached waits for it; other requests get 503", async () => {
  const http = serveLateBound({ hostname: "127.0.0.1", port: 0, name: "Test", listeners: 2 });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${http.port}/link`);
    const greeting = new Promise<string>((resolve, reject) => {
      ws.onmessage = (e) => resolve(String(e.data));
      ws.onclose = (e) => reject(new Error(`closed: ${e.code}`));
    });
    // The upgrade is held: plain requests are still answered 503 meanwhile.
    await Bun.sleep(100);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect((await fetch(`http://127.0.0.1:${http.port}/`)).status).toBe(503);
    http.attach((req, server) =>
      server.upgrade(req, { data: { accept: (end) => (end.send(new TextEncoder().encode("hello")), { message() {}, close() {} }) } })
        ? undefined
        : new Response("ok"),
    );
    expect(await greeting).toBe("hello");
    ws.close();
  } finally {
    await http.stop(true);
  }
});
