import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./apps/master/src/registry/schema.ts",
  out: "./apps/master/drizzle",
});
