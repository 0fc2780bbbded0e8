/** `docker/runtime`: a Docker image's Entrypoint, Cmd, Env, WorkingDir and User applied to its container. */
export { createDockerRuntimeIsolator } from "./docker-runtime-isolator.ts";
