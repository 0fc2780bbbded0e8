/**
 * The guard stage of a service: the policy every call passes before its handler, whichever
 * transport carried it. Admission (a master that does not lead refuses), then the call's checks
 * ('type' present, then the service's own validation), then its metrics counter. Applied by the
 * Connect interceptor (guard-interceptor.ts) and by the Mesos v1 HTTP adapter (v1-http/v1-endpoint.ts),
 * so both transports hold the same rules and each check runs once per call.
 */
import { type DescMessage, isFieldSet, type MessageShape } from "@bufbuild/protobuf";
import { invalid, type Metrics, unimplemented } from "@mesos/core";

/** Why this process refuses a call: another process leads (HTTP redirects there), or none does. */
export type Refusal = { redirectTo: string } | { unavailable: string };

export interface CallGuard<Desc extends DescMessage = DescMessage> {
  /** The service's fully qualified name (`mesos.v1.scheduler.Scheduler`), for the interceptor. */
  service: string;
  /** The call message of the service; methods taking another message only pass admission. */
  callSchema?: Desc;
  /** Mesos's name of the call in error texts: `scheduler::Call`, `master::Call`, `agent::Call`. */
  callName?: string;
  /** Undefined while this process serves the service; otherwise why not. */
  admit?(): Refusal | undefined;
  /** The service's validation of a call whose type is present; throws MesosError. */
  validate?(call: MessageShape<Desc>): void;
  /** The counter a valid call increments in `metrics`, if any. */
  counter?(call: MessageShape<Desc>): string | undefined;
  metrics?: Metrics;
}

/**
 * The checks of one call: 'type' present and known (the one place that checks it; UNKNOWN or a
 * number the schema does not name is unimplemented, HTTP 501), validation, then the counter.
 */
export function checkCall<Desc extends DescMessage>(guard: CallGuard<Desc>, call: MessageShape<Desc>): void {
  const type = guard.callSchema?.field.type;
  if (type) {
    if (!isFieldSet(call, type)) throw invalid("Expecting 'type' to be present");
    const value = (call as { type?: number }).type;
    const known = type.fieldKind === "enum" ? type.enum.values.find((v) => v.number === value) : undefined;
    if (!known || known.name === "UNKNOWN") throw unimplemented(`Received an unsupported call type ${known?.name ?? value}`);
  }
  guard.validate?.(call);
  const counter = guard.counter?.(call);
  if (counter) guard.metrics?.increment(counter);
}
