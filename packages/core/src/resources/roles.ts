/**
 * Role names as Mesos validates them (src/common/roles.cpp): `*` only on its own; `/`-separated
 * paths with no empty, `.`, `..` or `*` component, none starting with `-`, and no whitespace or DEL.
 */
const INVALID_CHARACTERS = /[\t\n\v\f\r \x7f]/;

/** Returns an error message (Mesos's words), or undefined if the role is valid. */
export function validateRole(role: string): string | undefined {
  if (role === "*") return undefined;
  if (role.startsWith("/")) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith("/")) return `Role '${role}' cannot end with a slash`;
  if (role.includes("//")) return `Role '${role}' cannot contain two adjacent slashes`;
  if (role === "") return "Role names cannot be the empty string";
  for (const component of role.split("/")) {
    if (component === ".") return `Role '${role}' cannot include '.' as a component`;
    if (component === "..") return `Role '${role}' cannot include '..' as a component`;
    if (component === "*") return `Role '${role}' cannot include '*' as a component`;
    if (component.startsWith("-")) return `Role component '${component}' is invalid because it starts with a dash`;
    if (INVALID_CHARACTERS.test(component)) return `Role component '${component}' is invalid because it contains backspace or whitespace`;
  }
  return undefined;
}

/** `a/b/c` is a strict subrole of `a` and of `a/b`, not of itself. */
export function isStrictSubroleOf(role: string, parent: string): boolean {
  return role.length > parent.length && role.startsWith(parent) && role[parent.length] === "/";
}

/** `a/b/c` -> [`a/b`, `a`]. */
export function ancestorRoles(role: string): string[] {
  const out: string[] = [];
  for (let i = role.lastIndexOf("/"); i > 0; i = role.lastIndexOf("/", i - 1)) out.push(role.slice(0, i));
  return out;
}

export function topLevelRole(role: string): string {
  const i = role.indexOf("/");
  return i === -1 ? role : role.slice(0, i);
}
