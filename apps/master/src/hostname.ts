/**
 * The hostname the master advertises, as Mesos 1.8 picks it: `--hostname` if given; else, with
 * `--hostname_lookup` (the default), the name the advertised IP resolves to (getnameinfo, so
 * /etc/hosts counts: 127.0.0.1 is `localhost`); else the IP itself. A failed lookup stops start-up.
 */
import { lookupService } from "node:dns/promises";
import { errorMessage, invalid } from "@mesos/core";

export async function advertisedHostname(flags: { hostname?: string; hostname_lookup: boolean }, ip: string): Promise<string> {
  if (flags.hostname !== undefined) return flags.hostname;
  if (!flags.hostname_lookup) return ip;
  try {
    return (await lookupService(ip, 0)).hostname;
  } catch (e) {
    throw invalid(`Failed to get hostname: ${errorMessage(e)} (use --hostname or --no-hostname_lookup)`);
  }
}
