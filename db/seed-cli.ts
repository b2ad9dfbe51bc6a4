// `npm run db:seed`: migrates, then creates the demo company if the database has no company yet (development only).
import { createDatabase } from "./index";
import { withDatabaseUrl } from "./cli";
import { migrateDatabase } from "./migrate";
import { seedDemoIfEmpty } from "./seed";
import { env } from "../server/env.js";

// The demo's passwords are public: never on a production database.
if (env().NODE_ENV === "production") {
  console.error("db:seed creates the demo company, whose passwords are public; it does not run with NODE_ENV=production. Use `npm run setup`.");
  process.exit(1);
}

await withDatabaseUrl(async (url) => {
  await migrateDatabase(url);
  const { db, client } = createDatabase(url, 1);
  try {
    console.log((await seedDemoIfEmpty(db)) ? "demo company created" : "the database already has a company; nothing seeded");
  } finally {
    await client.end({ timeout: 5 });
  }
});
