/**
 * `npm run setup`: the first company on a fresh production database, and its first admin, who chooses a password
 * through a single-use link printed here. Asks for what it is not given:
 *   npm run setup -- --company "Acme" --email owner@acme.example --name "Ann Owner" [--language en|ru|uk]
 * Uses DATABASE_URL (or the embedded database under DATA_DIR while the app is stopped) and APP_URL for the link.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createDatabase } from "../../db";
import { withDatabaseUrl } from "../../db/cli";
import { migrateDatabase } from "../../db/migrate";
import { env } from "../env.js";
import { DomainError } from "../errors";
import { createCompany } from "../services/companies/create-company";

const { values } = parseArgs({
  options: { company: { type: "string" }, email: { type: "string" }, name: { type: "string" }, language: { type: "string", default: "en" } },
});

async function ask(question: string, given: string | undefined): Promise<string> {
  if (given) return given;
  if (!process.stdin.isTTY) throw new Error(`${question} is required: pass it as an option (npm run setup -- --help shows them)`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`${question}: `)).trim();
  } finally {
    rl.close();
  }
}

try {
  const companyName = await ask("Company name", values.company);
  const email = await ask("Your email (the company's registration email: connection alerts go there)", values.email);
  const adminName = await ask("Your name", values.name);
  await withDatabaseUrl(async (url) => {
    await migrateDatabase(url);
    const { db, client } = createDatabase(url, 1);
    try {
      const created = await createCompany({ db }, { companyName, email, adminName, locale: values.language ?? "en" });
      console.log(`\nCompany "${companyName}" created, with ${email} as its admin.`);
      console.log(`Choose your password here (the link works once, until ${created.expiresAt.toISOString()}):\n\n  ${created.link}\n`);
      console.log(`(The link is built from APP_URL, now ${env().APP_URL}: if that is not where people open the app, set APP_URL and run setup again.)`);
    } finally {
      await client.end({ timeout: 5 });
    }
  });
} catch (error) {
  console.error(`setup: ${error instanceof DomainError || error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
