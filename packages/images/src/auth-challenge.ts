/**
 * `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="...",service="...",scope="..."` from a
 * registry that wants a token, or `Basic realm="..."` from one that wants a password.
 */
export interface Challenge {
  /** Lower-case: `bearer`, `basic`, ... */
  scheme: string;
  params: Record<string, string>;
}

/** Parses every challenge in the header; an unparsable header gives an empty list. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const challenges: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipSpace = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    while (s[i] === ",") {
      i++;
      skipSpace();
    }
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skipSpace();
      const save = i;
      const name = token();
      skipSpace();
      if (!name || s[i] !== "=") {
        // The next challenge's scheme (or the end): rewind to it.
        i = save;
        break;
      }
      i++;
      skipSpace();
      let value = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        value = token();
      }
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (s[i] === ",") i++;
      else break;
    }
  }
  return challenges;
}
