import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const ioredisOnlyInLibRedis = {
  paths: [{ name: "ioredis", message: "Only lib/redis/ talks to Redis; import its typed functions instead." }],
  patterns: [{ group: ["ioredis/*"], message: "Only lib/redis/ talks to Redis." }],
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "no-restricted-imports": ["error", ioredisOnlyInLibRedis],
      complexity: ["error", 20],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Typed rules: the store and Redis are asynchronous, and a promise nobody awaits is a write
    // that may land after the answer, or an error nobody sees.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    // Playwright fixtures take a `use` callback that is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["lib/redis/**"],
    rules: { "no-restricted-imports": "off" },
  },
  globalIgnores([".next*/**", "out/**", "build/**", "data/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
]);
