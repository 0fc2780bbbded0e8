/**
 * A hand-served form of a service's hottest unary calls (a framework's acknowledgements: three a
 * task). It gets the request body's bytes before anything decodes them and, for the calls it
 * knows (a plain, valid encoding that it reads by hand), does what the general path would do:
 * admission, the guard's counter, the handler. For any other body, or in any doubt, it answers
 * undefined and the general path (decoding, the guard stage, the interceptors, the handler)
 * serves the call. Both must answer alike (status, headers, body, errors): only the cost differs.
 * A sync throw or a rejection is the handler's error, mapped as the general path maps it.
 */
export type CallShortcut<T = void> = (body: Uint8Array, header: Headers) => Promise<T> | undefined;

/** The shortcut's answer to a body, or undefined where it declines; a sync throw becomes a rejection. */
export function tryShortcut<T>(shortcut: CallShortcut<T> | undefined, body: Uint8Array, header: Headers): Promise<T> | undefined {
  if (!shortcut) return undefined;
  try {
    return shortcut(body, header);
  } catch (e) {
    return Promise.reject(e);
  }
}
