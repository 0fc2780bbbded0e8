import { afterEach, describe, expect, test } from "bun:test";
import { connect, createServer, type Server } from "node:net";
import { LinuxCallError } from "./errno.ts";
import { ALL_SOCKET_KINDS, formatIPv6, type InetSocket, type SocketKind } from "./inet-sockets.ts";
import { createSocketLister } from "./listening-sockets.ts";
import { parseProcNet, procNetSockets } from "./proc-net-sockets.ts";
import { listPids, socketInodesOf } from "./process-sockets.ts";
import { openSockDiag } from "./sock-diag.ts";

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function tcpListener(host: string): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  closers.push(() => new Promise((r) => server.close(r)));
  return (server.address() as { port: number }).port;
}

async function udpSocket(host: string, connectTo?: number): Promise<number> {
  const socket = connectTo
    ? await Bun.udpSocket({ hostname: host, port: 0, connect: { hostname: host, port: connectTo } })
    : await Bun.udpSocket({ hostname: host, port: 0 });
  closers.push(() => socket.close());
  return socket.port;
}

/** The listed socket on `port` that this process holds (matched by inode, as the isolator does). */
function ours(sockets: InetSocket[], kind: SocketKind, port: number): InetSocket | undefined {
  const mine = new Set(socketInodesOf(process.pid));
  return sockets.find((s) => s.family === kind.family && s.protocol === kind.protocol && s.port === port && mine.has(s.inode));
}

const hasIPv6 = await tcpListener("::1").then(
  () => true,
  () => false,
);
if (!hasIPv6) console.warn("SKIPPING the IPv6 socket tests: this host has no ::1");

const sources = [["sock_diag"], ["proc"]] as const;

describe.each(sources)("listening sockets from %s", (source) => {
  const list = (kinds: readonly SocketKind[] = ALL_SOCKET_KINDS) => createSocketLister({ source }).list(kinds);

  test("a TCP listener on 127.0.0.1 is found, by its inode, with its address and port", async () => {
    const port = await tcpListener("127.0.0.1");
    const found = ours(list(), { family: "ipv4", protocol: "tcp" }, port);
    expect(found).toMatchObject({ family: "ipv4", protocol: "tcp", address: "127.0.0.1", port });
    expect(found!.inode).toBeGreaterThan(0);
  });

  test.skipIf(!hasIPv6)("an IPv6-only TCP listener on ::1 is found in the ipv6 listing only", async () => {
    const port = await tcpListener("::1");
    expect(ours(list(), { family: "ipv6", protocol: "tcp" }, port)).toMatchObject({ address: "::1", port });
    expect(ours(list([{ family: "ipv4", protocol: "tcp" }]), { family: "ipv4", protocol: "tcp" }, port)).toBeUndefined();
  });

  test("bound UDP sockets are found, IPv4 and IPv6; a connected one (a client's) and a TCP connection are not", async () => {
    const v4 = await udpSocket("127.0.0.1");
    const server = await tcpListener("127.0.0.1");
    const client = connect(server, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    closers.push(() => client.destroy());
    const connected = await udpSocket("127.0.0.1", v4);
    const all = list();
    expect(ours(all, { family: "ipv4", protocol: "udp" }, v4)).toMatchObject({ address: "127.0.0.1", port: v4 });
    expect(ours(all, { family: "ipv4", protocol: "udp" }, connected)).toBeUndefined();
    expect(ours(all, { family: "ipv4", protocol: "tcp" }, client.localPort!)).toBeUndefined();
    if (hasIPv6) {
      const v6 = await udpSocket("::1");
      expect(ours(list(), { family: "ipv6", protocol: "udp" }, v6)).toMatchObject({ address: "::1", port: v6 });
    }
  });

  test("a listener in another process is found; its inode is among that process's fds", async () => {
    const child = Bun.spawn(
      [process.execPath, "-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
      { stdout: "pipe" },
    );
    closers.push(() => child.kill("SIGKILL"));
    const reader = child.stdout.getReader();
    const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
    const found = list([{ family: "ipv4", protocol: "tcp" }]).find((s) => s.port === port);
    expect(found).toBeDefined();
    expect(socketInodesOf(child.pid)).toContain(found!.inode);
    expect(socketInodesOf(process.pid)).not.toContain(found!.inode);
  });
});

test("sock_diag and /proc/net agree on this host's listening sockets", async () => {
  await tcpListener("127.0.0.1");
  await udpSocket("127.0.0.1");
  const key = (s: InetSocket) => `${s.protocol}/${s.family}/${s.address}/${s.port}/${s.inode}`;
  // Other processes open and close sockets meanwhile: compare ours only.
  const mine = new Set(socketInodesOf(process.pid));
  const of = (source: "sock_diag" | "proc") =>
    createSocketLister({ source })
      .list(ALL_SOCKET_KINDS)
      .filter((s) => mine.has(s.inode))
      .map(key)
      .sort();
  expect(of("sock_diag")).toEqual(of("proc"));
  expect(of("proc").length).toBeGreaterThanOrEqual(2);
});

test("auto uses sock_diag here and says so; the socket can be reused for several dumps", () => {
  const lister = createSocketLister();
  lister.list(ALL_SOCKET_KINDS);
  expect(lister.sources()).toEqual({ tcp: "sock_diag", tcp6: "sock_diag", udp: "sock_diag", udp6: "sock_diag" });
  const diag = openSockDiag();
  try {
    expect(Array.isArray(diag.dump({ family: "ipv4", protocol: "tcp" }))).toBe(true);
    expect(Array.isArray(diag.dump({ family: "ipv6", protocol: "udp" }))).toBe(true);
  } finally {
    diag.close();
  }
});

test("auto falls back to /proc/net per kind: for good where the kernel has no handler, once for other failures", () => {
  const fallbacks: string[] = [];
  let opened = 0;
  const udpRefused = {
    dump(kind: SocketKind) {
      if (kind.protocol === "udp") throw new LinuxCallError("sock_diag dump of udp sockets", 2); // ENOENT: no udp_diag
      if (kind.family === "ipv6") throw new LinuxCallError("recv(sock_diag dump of tcp6 sockets)", 105); // ENOBUFS: passing
      return openSockDiag().dump(kind);
    },
    close() {},
  };
  const lister = createSocketLister({
    openDiag: () => (opened++, udpRefused),
    onFallback: (k, _e, permanent) => fallbacks.push(`${k.protocol}${k.family === "ipv6" ? "6" : ""}:${permanent}`),
  });
  const port = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  closers.push(() => port.stop(true));
  expect(ours(lister.list(ALL_SOCKET_KINDS), { family: "ipv4", protocol: "tcp" }, port.port)).toBeDefined();
  expect(lister.sources()).toEqual({ tcp: "sock_diag", tcp6: "proc", udp: "proc", udp6: "proc" });
  expect(fallbacks).toEqual(["tcp6:false", "udp:true", "udp6:true"]);
  lister.list(ALL_SOCKET_KINDS);
  expect(fallbacks).toEqual(["tcp6:false", "udp:true", "udp6:true", "tcp6:false"]);
  expect(opened).toBe(2);
  // No netlink socket at all: everything from /proc/net.
  const none = createSocketLister({
    openDiag: () => {
      throw new LinuxCallError("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", 93);
    },
  });
  expect(ours(none.list(ALL_SOCKET_KINDS), { family: "ipv4", protocol: "tcp" }, port.port)).toBeDefined();
  expect(none.sources()).toEqual({ tcp: "proc", tcp6: "proc", udp: "proc", udp6: "proc" });
});

test("parseProcNet: LISTEN for tcp, unconnected (CLOSE) for udp; host-order hex addresses", () => {
  const tcp = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0",
    "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1235 1 0000000000000000 20 4 30 10 -1",
  ].join("\n");
  expect(parseProcNet(tcp, { family: "ipv4", protocol: "tcp" })).toEqual([
    { family: "ipv4", protocol: "tcp", address: "127.0.0.1", port: 8080, inode: 1234 },
  ]);
  const tcp6 = [
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1",
    "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1",
  ].join("\n");
  expect(parseProcNet(tcp6, { family: "ipv6", protocol: "tcp" })).toEqual([
    { family: "ipv6", protocol: "tcp", address: "::1", port: 8081, inode: 99 },
  ]);
  const udp = [
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
    "  100: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 555 2 0000000000000000 0",
    "  101: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 556 2 0000000000000000 0",
  ].join("\n");
  expect(parseProcNet(udp, { family: "ipv4", protocol: "udp" })).toEqual([
    { family: "ipv4", protocol: "udp", address: "0.0.0.0", port: 53, inode: 555 },
  ]);
});

test("formatIPv6 writes RFC 5952 text", () => {
  const v6 = (...groups: number[]) => new Uint8Array(groups.flatMap((g) => [g >> 8, g & 0xff]));
  expect(formatIPv6(v6(0, 0, 0, 0, 0, 0, 0, 0))).toBe("::");
  expect(formatIPv6(v6(0, 0, 0, 0, 0, 0, 0, 1))).toBe("::1");
  expect(formatIPv6(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1))).toBe("2001:db8::1:0:0:1");
  expect(formatIPv6(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1))).toBe("2001:db8:0:1:1:1:1:1");
  expect(formatIPv6(v6(0xfe80, 0, 0, 0, 0, 0, 0, 0))).toBe("fe80::");
  expect(formatIPv6(v6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1))).toBe("::ffff:127.0.0.1");
});

test("listPids sees this process; socketInodesOf a process that is gone is undefined", () => {
  expect(listPids()).toContain(process.pid);
  expect(socketInodesOf(2 ** 22 + 1)).toBeUndefined();
  expect(procNetSockets({ family: "ipv4", protocol: "tcp" }).every((s) => s.port > 0 && s.inode > 0)).toBe(true);
});
