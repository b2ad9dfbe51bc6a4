import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { db, type Database } from "../../db";
import { POST as upload } from "../../app/api/uploads/route";
import { seedTestCompany } from "../testing/factories";
import { appRouter } from "./root";
import { createContextFor, type TrpcContext } from "./trpc";

type Who = Parameters<typeof createContextFor>[0];

/** One tRPC call over HTTP, as the browser makes it, with the context the route would build. */
async function call(path: string, input: unknown, who: Who, ctxDb: Database = db) {
  const body = JSON.stringify(superjson.serialize(input));
  // Queries are GETs with the input in the URL, mutations POSTs.
  const query = path === "channels.contacts" || path === "lines.list";
  const req = query
    ? new Request(`http://localhost/api/trpc/${path}?input=${encodeURIComponent(body)}`)
    : new Request(`http://localhost/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: (): TrpcContext => ({ ...createContextFor(who), db: ctxDb }),
  });
  return { status: response.status, text: await response.text() };
}

const internals = /Failed query|insert into|select |postgres|node_modules|\.ts:\d+|at [A-Za-z]+ \(|stack/i;

describe("error answers say nothing about internals", () => {
  it.each([
    ["inbox.reply", (c: Ctx) => ({ conversationId: c.conversationId, text: "hello\u0000world" })],
    ["lines.create", () => ({ name: "Sales\u0000" })],
    ["people.invite", () => ({ name: "Nina\u0000", email: "nina@example.com", role: "operator", locale: "en" })],
    ["channels.contacts", (c: Ctx) => ({ channelId: c.channelId, search: "\u0000" })],
    ["lines.create", () => ({ name: "half a pair \ud83d" })],
  ])("%s with text the database cannot store: 400 with words", async (path, input) => {
    const c = await context();
    const { status, text } = await call(path, input(c), c.admin);
    expect(status).toBe(400);
    expect(text).toContain("account.errors.badText");
    expect(text).not.toMatch(internals);
  });

  it("an unexpected failure answers 500 with an error id and words, never the SQL or a stack", async () => {
    const c = await context();
    // A database that fails the way a broken query does, with the query in its message.
    const broken = new Proxy(db, {
      get(target, prop) {
        if (prop === "select" || prop === "execute" || prop === "transaction") {
          return () => {
            throw new Error('Failed query: select "id" from "lines" where "company_id" = $1\nparams: secret');
          };
        }
        return Reflect.get(target, prop) as unknown;
      },
    });
    const { status, text } = await call("lines.list", undefined, c.admin, broken);
    expect(status).toBe(500);
    expect(text).not.toMatch(internals);
    const body = JSON.parse(text) as { error: { json: { message: string; data: { errorId: string; messageKey: string } } } };
    expect(body.error.json.message).toBe("account.errors.internal");
    expect(body.error.json.data.messageKey).toBe("account.errors.internal");
    expect(body.error.json.data.errorId).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("uploads refuse cross-site requests", () => {
  it("a multipart POST from another site is 403 before anything is read or stored", async () => {
    const form = new FormData();
    form.append("file", new File(["hello"], "a.txt", { type: "text/plain" }));
    const crossSite = await upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body: form, headers: { origin: "https://evil.example" } }));
    expect(crossSite.status).toBe(403);
    const sameSiteSubdomain = await upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body: form, headers: { "sec-fetch-site": "same-site" } }));
    expect(sameSiteSubdomain.status).toBe(403);
  });
});

type Ctx = Awaited<ReturnType<typeof context>>;
async function context() {
  const co = await seedTestCompany();
  const [conversation] = await db.query.conversations.findMany({ where: (t, { eq }) => eq(t.companyId, co.companyId), limit: 1 });
  return {
    admin: { id: co.admin.id, companyId: co.companyId, role: "admin" as const, name: "Alex", email: co.admin.email },
    conversationId: conversation?.id ?? "00000000-0000-4000-8000-000000000000",
    channelId: co.telegram.channelId,
  };
}
