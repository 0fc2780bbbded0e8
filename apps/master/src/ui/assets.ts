/** The web UI, bundled at build time into the binary (bundle.ts runs as a macro). */
import { bundleUi } from "./bundle.ts" with { type: "macro" };

// The macro call is replaced by its result at bundle time: an object literal.
export const UI = bundleUi();
