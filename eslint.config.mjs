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
  {
    // Layers: lib/platform (Node helpers, no project imports) < db < lib < app. db/ may use
    // lib's types, never its code; the seed lives with the scripts that run it.
    files: ["db/**"],
    ignores: ["**/*.test.ts", "**/*.testing.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/lib/*",
                "!@/lib/platform",
                "../lib/*",
                "!../lib/platform",
                "../../lib/*",
                "!../../lib/platform",
              ],
              allowTypeImports: true,
              message: "db/ sits below lib/: import only types from lib/ (or a helper from lib/platform/).",
            },
            {
              group: ["@/scripts/*", "@/app/*", "@/components/*"],
              message: "db/ sits below scripts, app and components.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/platform/**"],
    ignores: ["**/*.test.ts", "**/*.testing.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/*", "../*"], message: "lib/platform/ imports Node and packages only." }] },
      ],
    },
  },
];

export default config;
