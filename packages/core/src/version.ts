/**
 * The Mesos version we are compatible with is what `/version` and GetVersion report as `version`,
 * because frameworks gate features on it; our own release is reported beside it.
 */
export const MESOS_VERSION = "1.8.0";
export const PROJECT_VERSION = "0.1.0";
export const VERSION_TEXT = `${MESOS_VERSION} (mesos-ts ${PROJECT_VERSION})`;

/** Mesos's VersionInfo: what `/version`, `/state` and GET_VERSION report, on the master and the agent alike. */
export interface VersionInfo {
  version: string;
  /** When the binary was built, as Mesos writes it (`2026-12-03 06:59:29`, UTC); "" when running from source. */
  buildDate: string;
  /** The same, in whole seconds since the epoch (0 from source). */
  buildTime: number;
  buildUser: string;
  /** The commit built, when the build knew it. */
  gitSha?: string;
}

/** The build's facts, set by scripts/build.ts (`define`); running from source they may come from the environment. */
export function versionInfo(): VersionInfo {
  const built = Date.parse(process.env.MESOS_BUILD_TIME ?? "");
  const gitSha = process.env.MESOS_GIT_SHA;
  return {
    version: MESOS_VERSION,
    // Mesos's build: `date '+%Y-%m-%d %H:%M:%S'` and `date '+%s'`.
    buildDate: Number.isFinite(built) ? new Date(built).toISOString().slice(0, 19).replace("T", " ") : "",
    buildTime: Number.isFinite(built) ? Math.floor(built / 1000) : 0,
    buildUser: process.env.MESOS_BUILD_USER || "mesos-ts",
    ...(gitSha ? { gitSha } : {}),
  };
}

/** VersionInfo in Mesos's JSON (`/version`, and the version fields of `/state`). */
export function versionJson(info: VersionInfo = versionInfo()): Record<string, string | number> {
  return {
    version: info.version,
    ...(info.gitSha ? { git_sha: info.gitSha } : {}),
    build_date: info.buildDate,
    build_time: info.buildTime,
    build_user: info.buildUser,
  };
}
