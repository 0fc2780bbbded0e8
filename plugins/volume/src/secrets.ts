/**
 * Secrets, as Mesos checks and resolves them without a secret resolver module: an inline
 * `Secret.value` is its own data; a `reference` names a secret in a store, which only a resolver
 * module can fetch, and none is configured (loading resolver modules is out of scope).
 */
import { invalid, failedPrecondition } from "@mesos/core";
import { type Secret, Secret_Type } from "@mesos/proto";

/** `common::validation::validateSecret`. */
export function secretError(secret: Secret): string | undefined {
  if (secret.type === Secret_Type.REFERENCE) {
    if (!secret.reference) return "Secret of type REFERENCE must have the 'reference' field set";
    if (secret.value) return `Secret '${secret.reference.name}' of type REFERENCE must not have the 'value' field set`;
  }
  if (secret.type === Secret_Type.VALUE) {
    if (!secret.value) return "Secret of type VALUE must have the 'value' field set";
    if (secret.reference) return "Secret of type VALUE must not have the 'reference' field set";
  }
  return undefined;
}

/** Mesos's DefaultSecretResolver. */
export function resolveSecret(secret: Secret): Uint8Array {
  const error = secretError(secret);
  if (error) throw invalid(`Invalid secret specified in volume: ${error}`);
  if (secret.reference) {
    throw failedPrecondition(
      `Default secret resolver cannot resolve references: no secret resolver is configured to resolve secret '${secret.reference.name}'`,
    );
  }
  if (!secret.value) throw invalid("Secret has no value");
  return secret.value.data;
}
