import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./apps/agent/src/state/schema.ts",
  out: "./apps/agent/drizzle",
});
