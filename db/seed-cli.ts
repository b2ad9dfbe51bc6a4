// `npm run db:seed`: migrates, then creates the demo company if the database has no company yet.
import { createDatabase } from "./index";
import { withDatabaseUrl } from "./cli";
import { migrateDatabase } from "./migrate";
import { seedDemoIfEmpty } from "./seed";

await withDatabaseUrl(async (url) => {
  await migrateDatabase(url);
  const { db, client } = createDatabase(url, 1);
  try {
    console.log((await seedDemoIfEmpty(db)) ? "demo company created" : "the database already has a company; nothing seeded");
  } finally {
    await client.end({ timeout: 5 });
  }
});
