import next from "eslint-config-next/core-web-vitals";
import ts from "eslint-config-next/typescript";

const config = [
  ...next,
  ...ts,
  { ignores: [".next/**", ".data/**", "node_modules/**", "db/migrations/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through server/env.js." }],
    },
  },
  { files: ["server/env.js"], rules: { "no-restricted-properties": "off" } },
  {
    // The product never depends on its browser tests: provider fakes live in server/sandbox and e2e imports them.
    files: ["app/**", "server/**", "db/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/e2e/**", "~/e2e/**"], message: "Product code never imports from e2e/." }] }] },
  },
];
export default config;
