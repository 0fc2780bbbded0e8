/**
 * The link's WebSocket client against Bun.serve's WebSocket server: the frames of one turn leave in
 * one write and arrive as separate messages, in order, whatever their size; pings are answered;
 * closes from either end carry their code and reason; a dial that finds no server, or a server
 * that does not upgrade, reports why.
 */
import { afterEach, expect, test } from "bun:test";
import type { Server, ServerWebSocket } from "bun";
import type { LinkEnd } from "./link.ts";
import { dialWebSocket } from "./websocket-client.ts";

const text = (frame: Uint8Array) => new TextDecoder().decode(frame);
const bytes = (s: string) => new TextEncoder().encode(s);

interface Heard {
  messages: Uint8Array[];
  pongs: string[];
  closed?: { code: number; reason: string };
  socket?: ServerWebSocket<undefined>;
}

let server: Server<undefined> | undefined;
afterEach(() => {
  server?.stop(true);
  server = undefined;
});

/** A WebSocket server that records what it hears (or answers the upgrade with `refuseStatus`). */
function serve(refuseStatus?: number): { url: string; heard: Heard } {
  const heard: Heard = { messages: [], pongs: [] };
  server = Bun.serve<undefined>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, s) {
      if (refuseStatus === undefined && s.upgrade(req)) return undefined;
      return new Response("Not here", { status: refuseStatus ?? 400 });
    },
    websocket: {
      open: (ws) => void (heard.socket = ws),
      message: (_ws, m) => void heard.messages.push(typeof m === "string" ? bytes(m) : new Uint8Array(m)),
      pong: (_ws, data) => void heard.pongs.push(text(data)),
      close: (_ws, code, reason) => void (heard.closed = { code, reason }),
    },
  });
  return { url: `ws://127.0.0.1:${server.port}/link`, heard };
}

/** Dials with a listener that records what the client hears; counts the socket's writes. */
function dial(url: string, maxFrameBytes = 1 << 20) {
  const got = {
    opened: false,
    messages: [] as Uint8Array[],
    closed: undefined as { code: number; reason: string; cause?: unknown } | undefined,
    writes: 0,
  };
  const counting = ((options: Parameters<typeof Bun.connect>[0]) =>
    Bun.connect(options).then((socket) => {
      const write = socket.write.bind(socket);
      socket.write = ((data: Uint8Array) => (got.writes++, write(data))) as typeof socket.write;
      return socket;
    })) as typeof Bun.connect;
  const end: LinkEnd = dialWebSocket(
    url,
    {
      open: () => void (got.opened = true),
      message: (frame) => void got.messages.push(frame),
      close: (code, reason, cause) => void (got.closed = { code, reason, cause }),
    },
    maxFrameBytes,
    counting,
  );
  return { end, got };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await Bun.sleep(5);
  if (!check()) throw new Error(`Timed out waiting for ${what}`);
}

test("the frames sent in one turn leave in one write and arrive one by one, in order, whatever their size", async () => {
  const { url, heard } = serve();
  const { end, got } = dial(url);
  await until(() => got.opened && heard.socket !== undefined, "the link to open");
  const writesBefore = got.writes;
  // 7-bit, 16-bit and 64-bit payload lengths.
  const sizes = [0, 1, 125, 126, 1000, 65535, 65536, 200_000, 3, 4, 5];
  const sent = sizes.map((n, i) => Uint8Array.from({ length: n }, (_, j) => (i * 31 + j) & 0xff));
  for (const frame of sent) end.send(frame);
  await until(() => heard.messages.length === sent.length, "every frame");
  expect(got.writes - writesBefore).toBe(1);
  expect(heard.messages).toEqual(sent);

  // And back: the server's frames of every size arrive whole, in order.
  for (const frame of sent) heard.socket!.sendBinary(frame);
  await until(() => got.messages.length === sent.length, "the server's frames");
  expect(got.messages).toEqual(sent);

  // A later turn is a later write.
  end.send(bytes("later"));
  await until(() => heard.messages.length === sent.length + 1, "the later frame");
  expect(got.writes - writesBefore).toBe(2);
  expect(text(heard.messages.at(-1)!)).toBe("later");
});

test("a ping from the server is answered with its payload", async () => {
  const { url, heard } = serve();
  const { got } = dial(url);
  await until(() => got.opened && heard.socket !== undefined, "the link to open");
  heard.socket!.ping("are you there");
  await until(() => heard.pongs.length === 1, "the pong");
  expect(heard.pongs).toEqual(["are you there"]);
});

test("a close by the client reaches the server with its code and reason, and is reported once", async () => {
  const { url, heard } = serve();
  const { end, got } = dial(url);
  await until(() => got.opened, "the link to open");
  end.send(bytes("last words"));
  end.close(1000, "The agent stopped");
  await until(() => heard.closed !== undefined && got.closed !== undefined, "both ends to see the close");
  expect(text(heard.messages[0]!)).toBe("last words");
  expect(heard.closed).toEqual({ code: 1000, reason: "The agent stopped" });
  expect(got.closed).toMatchObject({ code: 1000, reason: "The agent stopped" });
});

test("a close by the server comes with its code and reason, after the frames sent before it", async () => {
  const { url, heard } = serve();
  const { got } = dial(url);
  await until(() => got.opened && heard.socket !== undefined, "the link to open");
  heard.socket!.sendBinary(bytes("first"));
  heard.socket!.close(1013, "Not the leading master");
  await until(() => got.closed !== undefined, "the close");
  expect(got.messages.map(text)).toEqual(["first"]);
  expect(got.closed).toMatchObject({ code: 1013, reason: "Not the leading master" });
  await until(() => heard.closed !== undefined, "the server to see its close answered");
  expect(heard.closed!.code).toBe(1013);
});

test("a frame from the server over the limit closes the link with 1009", async () => {
  const { url, heard } = serve();
  const { got } = dial(url, 1000);
  await until(() => got.opened && heard.socket !== undefined, "the link to open");
  heard.socket!.sendBinary(new Uint8Array(1001));
  await until(() => got.closed !== undefined, "the close");
  expect(got.messages).toEqual([]);
  expect(got.closed!.code).toBe(1009);
});

test("no server listening: the close carries ECONNREFUSED and the link never opened", async () => {
  const { url } = serve();
  server!.stop(true);
  server = undefined;
  const { got } = dial(url);
  await until(() => got.closed !== undefined, "the close");
  expect(got.opened).toBe(false);
  expect(got.closed!.code).toBe(1006);
  expect((got.closed!.cause as { code?: string }).code).toBe("ECONNREFUSED");
});

test("a server that answers the upgrade with an error: the close says so and the link never opened", async () => {
  const { url } = serve(503);
  const { got } = dial(url);
  await until(() => got.closed !== undefined, "the close");
  expect(got.opened).toBe(false);
  expect(got.closed!.code).toBe(1006);
  expect(String(got.closed!.cause)).toContain("Expected 101 status code, got 503");
});

test("a link closed before it opened is reported closed, and nothing is sent", async () => {
  const { url, heard } = serve();
  const { end, got } = dial(url);
  end.send(bytes("too early"));
  end.close(1000, "Gave up");
  await until(() => got.closed !== undefined, "the close");
  expect(got.closed).toMatchObject({ code: 1000, reason: "Gave up" });
  await Bun.sleep(50);
  expect(got.opened).toBe(false);
  expect(heard.messages).toEqual([]);
});

test("an upgrade answered for another key is refused; each dial sends a key of its own", async () => {
  const keys: string[] = [];
  // A server answering 101 with the accept of the previous dial's key (or of none).
  let previous = "";
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(s, chunk) {
        const key = /Sec-WebSocket-Key: (\S+)\r\n/.exec(chunk.toString())?.[1] ?? "";
        keys.push(key);
        const accept = new Bun.CryptoHasher("sha1").update(`${previous}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        previous = key;
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      },
    },
  });
  try {
    for (let i = 0; i < 2; i++) {
      const { got } = dial(`ws://127.0.0.1:${listener.port}/link`);
      await until(() => got.closed !== undefined, "the close");
      expect(got.opened).toBe(false);
      expect(String(got.closed!.cause)).toContain("not a WebSocket's");
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    expect(Buffer.from(keys[0]!, "base64")).toHaveLength(16);
  } finally {
    listener.stop(true);
  }
});
