// `npm run db:migrate`: applies the committed migrations (PostgreSQL or the embedded database).
import { withDatabaseUrl } from "./cli";
import { migrateDatabase } from "./migrate";

await withDatabaseUrl(async (url) => {
  await migrateDatabase(url);
  console.log("migrations applied");
});
