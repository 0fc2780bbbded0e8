/**
 * The first steps every v1 HTTP call on the master goes through, in Mesos's order: 307/503 when
 * this master is not the leader, 405 for anything but POST, 400/415 for the Content-Type, 400 for a
 * body that does not decode. Returns the call, or the response that ends the request.
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { errorResponse, methodNotAllowed, negotiateContentType, readMessage } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { unlessLeading } from "./leader-redirect.ts";

export async function readPostedCall<Desc extends DescMessage>(
  ctx: MasterContext,
  req: Request,
  schema: Desc,
): Promise<{ call: MessageShape<Desc> } | { response: Response }> {
  const refused = unlessLeading(ctx, req);
  if (refused) return { response: refused };
  if (req.method !== "POST") return { response: methodNotAllowed(req.method) };
  const content = negotiateContentType(req.headers, { recordio: false });
  if (!content.ok) return { response: content.response };
  try {
    return { call: await readMessage(req, schema, content.value.format) };
  } catch (e) {
    return { response: errorResponse(e) };
  }
}
