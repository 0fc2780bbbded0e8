/** The user running the CLI (frameworks must name a user). */
import { userInfo } from "node:os";

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "root");
  }
}
