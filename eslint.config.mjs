import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "contracts/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // SQL lives in db/queries/ (functions taking (db, params)); everything above calls them.
    // Tests may build assertions with Drizzle.
    files: ["app/**", "components/**", "lib/**", "scripts/**", "bench/**"],
    ignores: ["**/*.test.ts", "**/*.testing.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["drizzle-orm", "drizzle-orm/*"],
              message: "SQL lives in db/queries/: call a query function (db, params) from there.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
