/**
 * `npm run files:move`: moves attachments whose bytes are still in PostgreSQL (stored_files.data) into the object
 * storage S3_BUCKET names, checking each file's sha256 before and after. On PostgreSQL safe while the app runs (the
 * embedded database: with the app stopped), and resumable:
 * stop it at any point and run it again. Run one at a time.
 *   npm run files:move [-- --batch 100] [--company <company id>]
 */
import { parseArgs } from "node:util";
import { createDatabase } from "../../db";
import { withDatabaseUrl } from "../../db/cli";
import { env } from "../env.js";
import { moveFilesToObjectStorage } from "../services/files/move-files-to-object-storage";
import { createS3ObjectStore, s3ConfigFromEnv } from "../storage/object-store";

const { values } = parseArgs({ options: { batch: { type: "string", default: "100" }, company: { type: "string" } } });
const batchSize = Number(values.batch);
if (!Number.isInteger(batchSize) || batchSize < 1) {
  console.error("--batch must be a whole number above 0");
  process.exit(2);
}
const config = s3ConfigFromEnv();
if (!config) {
  console.error("S3_BUCKET is not set: configure object storage (S3_BUCKET, S3_REGION, S3_ENDPOINT, keys) first.");
  process.exit(2);
}

let failures = 0;
await withDatabaseUrl(async (url) => {
  const { db, client } = createDatabase(url, 1, { connectTimeoutSeconds: env().DATABASE_CONNECT_TIMEOUT_SECONDS });
  try {
    const outcome = await moveFilesToObjectStorage(db, createS3ObjectStore(config), {
      batchSize,
      companyId: values.company,
      onBatch: ({ moved, failed }) => console.log(`moved ${moved}${failed ? `, ${failed} failed` : ""}…`),
    });
    for (const f of outcome.failed) console.error(`file ${f.id}: ${f.reason} (left in the database)`);
    console.log(`moved ${outcome.moved} file(s) to s3://${config.bucket}; ${outcome.remaining} still in the database`);
    failures = outcome.failed.length;
  } finally {
    await client.end({ timeout: 5 });
  }
});
process.exit(failures > 0 ? 1 : 0);
