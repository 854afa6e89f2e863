// ESLint flat config. Type-aware on purpose: the bugs worth a lint step here are promise bugs
// (a rejected promise nobody awaits crashes or silently drops work in a long-running server),
// and only the type checker can see them. The rule set stays small: typescript-eslint's
// `recommended` plus rules that each point at a real bug class, not at style (Prettier owns style).
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["lib/generated/**", ".next/**", "node_modules/**", "bench/results/**", "tests/e2e/artifacts/**", ".data/**", "scratch/**", "next-env.d.ts"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: {
      parserOptions: {
        // The project service reads tsconfig.json the way the editor does: one program, no per-file config.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // JSX attributes are checked too: React drops the promise an async `onClick` returns, so a
      // rejection there is unhandled. This code's idiom is `onClick={() => void save()}` with the
      // handler catching its own errors, which makes the fire-and-forget visible at the call site.
      "@typescript-eslint/no-misused-promises": "error",
      // Mixed arrays allowed: node-cron's `stop()`/`destroy()` are typed `void | Promise<void>` (a
      // promise for tasks run in a child process), and `Promise.all` over them is the correct wait.
      "@typescript-eslint/await-thenable": ["error", { allowMixedPromiseArrays: true }],
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    // Published coefficients (Cody's erf/erfc) and mpmath reference values are copied with all of
    // their 18–20 digits so they can be checked against the cited source; the nearest double is the
    // intended value. Everywhere else a literal that silently changes value is still an error.
    files: ["lib/optimizer/stats/**/*.ts", "tests/unit/stats.test.ts"],
    rules: { "no-loss-of-precision": "off" },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx", "lib/client/**/*.{ts,tsx}", "lib/realtime/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    files: ["**/*.{js,cjs,mjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", __dirname: "readonly" } },
  },
);
