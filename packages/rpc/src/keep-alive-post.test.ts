/**
 * keep-alive-post against a hand-written HTTP/1.1 server: connections are reused one request at a
 * time; concurrent requests get a connection each and their own answers; Content-Length and
 * chunked bodies (split across packets); `Connection: close` and a connection dropped mid-request.
 */
import { afterAll, expect, test } from "bun:test";
import { createKeepAlivePost } from "./keep-alive-post.ts";

/** How the server answers a request, by its path. */
const answers: Record<string, (socket: Bun.Socket<{ id: number }>, body: string) => void> = {
  "/echo": (s, body) => s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length + 3}\r\n\r\nyes${body}`),
  "/slow": (s, body) => setTimeout(() => answers["/echo"]!(s, body), 30),
  "/chunked": (s) => {
    s.write('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r');
    setTimeout(() => s.write("\n3\r\n:1}\r\n0\r\n\r\n"), 10);
  },
  "/close": (s) => {
    s.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    s.end();
  },
  "/drop": (s) => s.end(),
};

let connections = 0;
const requestsSeen: string[] = [];
const server = Bun.listen<{ id: number; buffer: string }>({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    open(s) {
      s.data = { id: ++connections, buffer: "" };
    },
    data(s, chunk) {
      s.data.buffer += new TextDecoder().decode(chunk);
      for (;;) {
        const end = s.data.buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = s.data.buffer.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (s.data.buffer.length < end + 4 + length) return;
        const body = s.data.buffer.slice(end + 4, end + 4 + length);
        s.data.buffer = s.data.buffer.slice(end + 4 + length);
        const [method, path] = head.split(" ");
        requestsSeen.push(`${s.data.id} ${method} ${path} ${/x-test: (\S+)/i.exec(head)?.[1]} ${body}`);
        answers[path!]!(s as never, body);
      }
    },
  },
});
afterAll(() => server.stop(true));

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const keepAlivePost = createKeepAlivePost();
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const post = async (path: string, body: string, headers: Record<string, string> = { "x-test": "1" }, signal?: AbortSignal) => {
  const answer = await keepAlivePost(url(path), headers, new TextEncoder().encode(body), signal);
  return {
    status: answer.status,
    header: (name: string) => answer.headers.find(([k]) => k.toLowerCase() === name)?.[1],
    text: async () => text(answer.body),
  };
};

test("requests one after another share one connection; concurrent ones get one each and their own answers", async () => {
  const before = connections;
  for (const n of [1, 2, 3]) expect(await (await post("/echo", `n${n}`)).text()).toBe(`yesn${n}`);
  expect(connections - before).toBe(1);
  const answersInOrder = await Promise.all([post("/slow", "a"), post("/echo", "b"), post("/slow", "c")].map(async (r) => (await r).text()));
  expect(answersInOrder).toEqual(["yesa", "yesb", "yesc"]);
  expect(connections - before).toBe(3);
  expect(requestsSeen.at(-1)).toMatch(/^\d+ POST \/(slow|echo) 1 [abc]$/);
});

test("a chunked body split across packets, with its status and headers", async () => {
  const response = await post("/chunked", "");
  expect([response.status, response.header("content-type"), await response.text()]).toEqual([400, "application/json", '{"a":1}']);
});

test("`Connection: close` and a connection dropped mid-request: neither is used again", async () => {
  const connectionOf = (path: string) => Number(requestsSeen.findLast((r) => r.includes(` ${path} `))!.split(" ")[0]);
  expect(await (await post("/close", "")).text()).toBe("ok");
  expect(await (await post("/echo", "x")).text()).toBe("yesx");
  expect(connectionOf("/echo")).not.toBe(connectionOf("/close"));
  await expect(post("/drop", "")).rejects.toThrow("closed");
  expect(await (await post("/echo", "y")).text()).toBe("yesy");
  expect(connectionOf("/echo")).not.toBe(connectionOf("/drop"));
  // Sequential again: no new connection each time.
  const before = connections;
  for (const n of [1, 2, 3]) await (await post("/echo", `${n}`)).text();
  expect(connections - before).toBeLessThanOrEqual(1);
});

test("headers with a line break are refused; an aborted request rejects with its reason", async () => {
  await expect(post("/echo", "", { "x-test": "a\r\nInjected: 1" })).rejects.toThrow("Invalid header");
  const abort = new AbortController();
  const pending = post("/slow", "z", {}, abort.signal);
  abort.abort(new Error("stop"));
  await expect(pending).rejects.toThrow("stop");
  expect(await (await post("/echo", "after")).text()).toBe("yesafter");
});
