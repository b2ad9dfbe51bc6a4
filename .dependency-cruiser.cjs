/**
 * The server's layers, as README "How it fits together" draws them. Imports point down only:
 *
 *   entry points   app/, proxy.ts, instrumentation.ts, server/{api,auth,webhooks,jobs,launcher,sandbox,bench,testing}
 *   services       server/services, server/reauth (a service area that uses services, never the reverse)
 *   integrations   server/{channels,email,realtime,ingest,queue,metrics,storage}
 *   db             db/
 *   leaves         server/{env.js,log,crypto,ids,errors,http-body,json-safety,identity,i18n,safe-redirect,security-headers.js}
 *
 * Tests may reach across layers (they are not part of the product's layering); e2e/ has its own rule in eslint.
 */
const ENTRY = "^(app/|proxy\\.ts$|instrumentation\\.ts$|server/(api|auth|webhooks|jobs|launcher|sandbox|bench|testing)/)";
const SERVICES = "^server/(services|reauth)/";
const INTEGRATIONS = "^server/(channels|email|realtime|ingest|queue|metrics|storage)/";
const DB = "^db/";
const LEAVES = "^server/(env\\.js$|log\\.ts$|crypto/|ids\\.ts$|errors\\.ts$|http-body\\.ts$|json-safety\\.ts$|identity/|i18n/|safe-redirect\\.ts$|security-headers\\.js$)";
const TESTS = "\\.test\\.tsx?$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Two modules import each other (directly or through others): move what both need into a lower module they can both import.",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "entry-points-are-called-not-imported",
      severity: "error",
      comment:
        "Only entry points import entry points (app routes, tRPC, webhook intake, job processes, launcher, sandbox, bench, test support). What a service, integration, db or leaf module needs from one belongs lower: the event store and channel cache in server/ingest, doorbells for the workers in server/queue, test helpers in server/testing.",
      from: { pathNot: [ENTRY, TESTS] },
      to: { path: ENTRY },
    },
    {
      name: "services-are-called-from-above",
      severity: "error",
      comment:
        "server/services and server/reauth are called by entry points only. An integration, db or leaf module that needs something from a service: move that thing down (a type into the module that uses it or a leaf, a helper into server/channels, server/ingest or db).",
      from: { path: [INTEGRATIONS, DB, LEAVES], pathNot: TESTS },
      to: { path: SERVICES },
    },
    {
      name: "services-do-not-import-reauth",
      severity: "error",
      comment:
        "server/reauth (the Meta wizard) uses services, so services must not use it: Meta's Graph API client, Login dialog and permission list live in server/channels/meta; put what both need there.",
      from: { path: "^server/services/", pathNot: TESTS },
      to: { path: "^server/reauth/" },
    },
    {
      name: "integrations-are-above-db",
      severity: "error",
      comment:
        "db/ and the leaf modules sit below the integrations (channels, email, realtime, ingest, queue). What db or a leaf needs from one belongs in db/ or a leaf module.",
      from: { path: [DB, LEAVES], pathNot: TESTS },
      to: { path: INTEGRATIONS },
    },
    {
      name: "leaves-do-not-import-db",
      severity: "error",
      comment:
        "Leaf modules (env, log, crypto, ids, errors, http-body, json-safety, identity, i18n, safe-redirect, security-headers) import no database. Code that reads or writes tables belongs in db/ or a service (as sign-in throttling lives in server/services/sessions).",
      from: { path: LEAVES, pathNot: TESTS },
      to: { path: DB },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^node_modules/", "^\\.next/", "^db/migrations/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
