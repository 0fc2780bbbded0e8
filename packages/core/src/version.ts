/**
 * The Mesos version we are compatible with is what `/version` and GetVersion report as `version`,
 * because frameworks gate features on it; our own release is reported beside it.
 */
export const MESOS_VERSION = "1.8.0";
export const PROJECT_VERSION = "0.1.0";
export const VERSION_TEXT = `${MESOS_VERSION} (mesos-ts ${PROJECT_VERSION})`;
