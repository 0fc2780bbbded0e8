export { createExampleIsolator, diskUsage, type ExampleOptions } from "./example-isolator.ts";
