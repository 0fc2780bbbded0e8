/**
 * The accepting end writes a callback's frames together (corked): the dialer still gets each frame as
 * its own message, in order, and a close after sending delivers what was sent first.
 */
import { expect, test } from "bun:test";
import { serveLateBound } from "../late-bound-server.ts";
import type { LinkEnd } from "./link.ts";
import { acceptWebSocketLink, webSocketDialer } from "./websocket-link.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

/** A server whose every link is handed to `onLink`, and a dialer that records what it hears. */
async function linked(onLink: (toDialer: LinkEnd) => void) {
  const http = serveLateBound({ hostname: "127.0.0.1", port: 0, name: "Test" });
  http.attach((req, server) =>
    acceptWebSocketLink(server, req, (toDialer) => (onLink(toDialer), { message() {}, close() {} }))
      ? undefined
      : new Response("no", { status: 400 }),
  );
  const heard: string[] = [];
  const closed = Promise.withResolvers<{ code: number; reason: string }>();
  const opened = Promise.withResolvers<void>();
  const end = webSocketDialer(`ws://127.0.0.1:${http.port}/link`)({
    open: () => opened.resolve(),
    message: (frame) => heard.push(text(frame)),
    close: (code, reason) => closed.resolve({ code, reason }),
  });
  await opened.promise;
  return { http, end, heard, closed: closed.promise };
}

test("frames sent together and later arrive one by one, in order", async () => {
  let toDialer!: LinkEnd;
  const { http, end, heard } = await linked((e) => (toDialer = e));
  try {
    while (!toDialer) await Bun.sleep(1);
    for (let i = 0; i < 50; i++) toDialer.send(bytes(`a${i}`));
    await Bun.sleep(0);
    toDialer.send(bytes("b0"));
    setImmediate(() => toDialer.send(bytes("b1")));
    const want = [...Array.from({ length: 50 }, (_, i) => `a${i}`), "b0", "b1"];
    for (let i = 0; i < 500 && heard.length < want.length; i++) await Bun.sleep(5);
    expect(heard).toEqual(want);
  } finally {
    end.close(1000, "done");
    await http.stop(true);
  }
});

test("a close right after sending delivers the frames first", async () => {
  const { http, heard, closed } = await linked((toDialer) => {
    toDialer.send(bytes("first"));
    toDialer.send(bytes("second"));
    toDialer.close(1000, "bye");
  });
  try {
    expect(await closed).toEqual({ code: 1000, reason: "bye" });
    expect(heard).toEqual(["first", "second"]);
  } finally {
    await http.stop(true);
  }
});
