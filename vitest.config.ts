import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{compiler,runtime,stdlib,cli,harness,test}/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
