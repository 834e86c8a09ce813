// ESLint for the JavaScript tinygraph writes into its pages (package data: tinygraph/**/assets/*.js).
// Run from the repository root: npm ci --prefix .ci && .ci/node_modules/.bin/eslint -c .ci/eslint.config.mjs tinygraph
// Each file is a classic browser script (inlined into a self-contained page, no modules, no framework).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // modern JS: block-scoped names, arrow callbacks, no accidental globals
      "no-var": "error",
      "prefer-const": "error",
      "prefer-arrow-callback": "error",
      "object-shorthand": ["error", "always"],
      "arrow-body-style": ["error", "as-needed"],
      "prefer-rest-params": "error",
      "prefer-spread": "error",
      "prefer-template": "error",
      "prefer-object-spread": "error",
      "dot-notation": "error",
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-use-before-define": ["error", { functions: false }],
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      strict: ["error", "function"],
      eqeqeq: ["error", "always", { null: "ignore" }],
      curly: ["error", "all"],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
    },
  },
];
