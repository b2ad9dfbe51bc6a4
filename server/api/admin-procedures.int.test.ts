import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { callerFor, seedTestCompany } from "../testing/factories";
import { appRouter, createCaller } from "./root";
import { adminProcedure, createContextFor } from "./trpc";

type AnyProcedure = { _def: { type: "query" | "mutation" | "subscription"; middlewares: unknown[] } };

/** Every procedure of the app router by its path, walked from the router's own record. */
function allProcedures(): [string, AnyProcedure][] {
  const out: [string, AnyProcedure][] = [];
  const walk = (record: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(record)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof value === "function" && "_def" in value && (value as AnyProcedure)._def.type) out.push([path, value as unknown as AnyProcedure]);
      else if (value && typeof value === "object") walk(value as Record<string, unknown>, path);
    }
  };
  walk(appRouter._def.record as Record<string, unknown>, "");
  return out.sort(([a], [b]) => a.localeCompare(b));
}

// The admin guard is the last middleware adminProcedure adds: a procedure is an admin procedure when its
// middleware chain contains it, whatever router it sits in.
const adminGuard = (adminProcedure as unknown as AnyProcedure)._def.middlewares.at(-1);
const isAdmin = (p: AnyProcedure) => p._def.middlewares.includes(adminGuard);

/** Procedures meant for every member of a company (operators answer customers). Everything else is for admins. */
const FOR_EVERY_MEMBER = [/^inbox\./, /^channels\.needsAttention$/, /^account\./, /^savedReplies\.(list|search|mine\.\w+)$/, /^contacts\.(panel|addNote)$/];

function call(caller: ReturnType<typeof createCaller>, path: string): Promise<unknown> {
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  // Refusal comes before input validation, so any input will do.
  return (target as (input: unknown) => Promise<unknown>)({});
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "allowed";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `threw ${String(error)}`;
  }
}

describe("admin procedures, enumerated from the router", () => {
  const procedures = allProcedures();
  const admin = procedures.filter(([, p]) => isAdmin(p)).map(([path]) => path);

  it("finds the procedures and the admin guard", () => {
    expect(adminGuard).toBeTypeOf("function");
    expect(procedures.length).toBeGreaterThan(10);
    for (const path of ["people.invite", "people.deactivate", "teams.addMember", "lines.list", "lines.delete", "mailbox.get", "channels.list", "savedReplies.company.create", "savedReplies.company.delete", "contacts.merge", "contacts.split", "contacts.mergeCandidates", "inbox.eraseContact", "inbox.erasePerson", "inbox.erasure", "inbox.auditEvents"]) expect(admin).toContain(path);
  });

  it("every procedure outside the member list is an admin procedure", () => {
    const notAdmin = procedures.filter(([path, p]) => !isAdmin(p) && !FOR_EVERY_MEMBER.some((r) => r.test(path))).map(([path]) => path);
    expect(notAdmin).toEqual([]);
  });

  it("every admin procedure refuses an operator with FORBIDDEN and a signed-out caller with UNAUTHORIZED", async () => {
    const co = await seedTestCompany();
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const anonymous = createCaller(createContextFor(null));
    const outcomes: Record<string, [string, string]> = {};
    for (const path of admin) outcomes[path] = [await refusal(call(operator, path)), await refusal(call(anonymous, path))];
    expect(outcomes).toEqual(Object.fromEntries(admin.map((path) => [path, ["FORBIDDEN", "UNAUTHORIZED"]])));
  });
});
