/**
 * A link whose two ends are in this process (tests): frames are handed over on a later microtask,
 * in order, as a socket would deliver them, without one.
 */
import type { LinkAcceptor, LinkDialer, LinkEnd, LinkListener } from "./link.ts";

export function inMemoryDialer(accept: LinkAcceptor): LinkDialer {
  return (dialer: LinkListener): LinkEnd => {
    let open = true;
    const close = (code: number, reason: string) => {
      if (!open) return;
      open = false;
      queueMicrotask(() => {
        acceptor.close(code, reason);
        dialer.close(code, reason);
      });
    };
    const acceptor = accept({
      send: (frame) => open && queueMicrotask(() => dialer.message(frame)),
      close,
    });
    queueMicrotask(() => open && dialer.open?.());
    return {
      send: (frame) => open && queueMicrotask(() => acceptor.message(frame)),
      close,
    };
  };
}
