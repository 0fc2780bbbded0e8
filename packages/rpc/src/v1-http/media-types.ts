/**
 * The media types of Mesos's v1 HTTP API and libprocess's `Accept` matching: a media type is
 * acceptable if the most specific matching range (`type/subtype`, then `type/*`, then `*\/*`) has
 * no q value or q > 0; an absent header accepts everything.
 */
export const APPLICATION_JSON = "application/json";
export const APPLICATION_PROTOBUF = "application/x-protobuf";
export const APPLICATION_RECORDIO = "application/recordio";
export const MESSAGE_CONTENT_TYPE = "Message-Content-Type";
export const MESSAGE_ACCEPT = "Message-Accept";

/** How one message is encoded. */
export type MessageFormat = "json" | "protobuf";

export const MEDIA_TYPE_OF: Record<MessageFormat, string> = { json: APPLICATION_JSON, protobuf: APPLICATION_PROTOBUF };

/** `application/json; charset=utf-8` -> `application/json` (lower case, parameters dropped). */
export function mediaTypeOf(header: string): string {
  return header.split(";")[0]!.trim().toLowerCase();
}

/** The message format a Content-Type names, if it names one. */
export function messageFormatOf(header: string): MessageFormat | undefined {
  const type = mediaTypeOf(header);
  return type === APPLICATION_JSON ? "json" : type === APPLICATION_PROTOBUF ? "protobuf" : undefined;
}

export function acceptsMediaType(header: string | null, mediaType: string): boolean {
  if (header === null) return true;
  const [type] = mediaType.toLowerCase().split("/");
  const ranges = header
    .replace(/\s/g, "")
    .split(",")
    .filter(Boolean)
    .map((range) => {
      const [name, ...params] = range.split(";");
      const q = params.map((p) => p.split("=")).find(([k]) => k!.toLowerCase() === "q");
      return { name: name!.toLowerCase(), q: q?.length === 2 ? Number(q[1]) : undefined };
    });
  for (const candidate of [mediaType.toLowerCase(), `${type}/*`, "*/*"]) {
    const match = ranges.find((r) => r.name === candidate);
    if (match) return match.q === undefined || Number.isNaN(match.q) || match.q > 0;
  }
  return false;
}

/** The first of `formats` (in the server's order of preference) that the header accepts. */
export function preferredFormat(header: string | null, formats: readonly MessageFormat[] = ["json", "protobuf"]): MessageFormat | undefined {
  return formats.find((f) => acceptsMediaType(header, MEDIA_TYPE_OF[f]));
}
