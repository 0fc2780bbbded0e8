/**
 * Platforms in Go's (and so the image specs') terms, and the choice of one manifest from an index
 * or manifest list for the platform the agent runs on.
 */
import { invalid } from "@mesos/core";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const GO_ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
};

/** The platform of this process, e.g. `linux/amd64`. */
export function hostPlatform(): Platform {
  const architecture = GO_ARCH[process.arch] ?? process.arch;
  const variant = architecture === "arm64" ? "v8" : architecture === "arm" ? "v7" : undefined;
  return { os: process.platform, architecture, variant };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split("/");
  if (!os || !architecture || extra !== undefined) throw invalid(`Invalid platform '${text}' (expected OS/ARCH[/VARIANT])`);
  return { os, architecture, variant: variant || undefined };
}

/** arm64's only variant is v8, so an entry without one is the same platform. */
function sameVariant(a: string | undefined, b: string | undefined, architecture: string): boolean {
  const norm = (v: string | undefined) => (architecture === "arm64" && v === "v8" ? undefined : v);
  return norm(a) === norm(b);
}

/**
 * The entry for `want` among entries with platforms: the same OS and architecture, the same variant
 * preferred, else one without a variant; undefined when there is none.
 */
export function choosePlatform<T extends { platform?: Platform }>(entries: T[], want: Platform): T | undefined {
  const candidates = entries.filter((e) => e.platform && e.platform.os === want.os && e.platform.architecture === want.architecture);
  return (
    candidates.find((e) => sameVariant(e.platform!.variant, want.variant, want.architecture)) ??
    candidates.find((e) => e.platform!.variant === undefined) ??
    (want.variant === undefined ? candidates[0] : undefined)
  );
}

/** Throws unless an image config's platform (when it names one) is `want`. */
export function checkImagePlatform(config: { os?: string; architecture?: string }, want: Platform, what: string): void {
  const os = config.os ?? want.os;
  const architecture = config.architecture ?? want.architecture;
  if (os !== want.os || architecture !== want.architecture) {
    throw invalid(`${what} is for ${os}/${architecture}, but this agent runs ${want.os}/${want.architecture}`);
  }
}
