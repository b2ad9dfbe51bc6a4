import { randomBytes } from "node:crypto";
import { isNotNull, TransactionRollbackError } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../../db";
import { storedFiles } from "../../../db/schema";
import { GET as download } from "../../../app/api/files/[id]/route";
import { GET as ready } from "../../../app/api/health/ready/route";
import { refreshDatabaseGauges } from "../../metrics/database-gauges";
import { readiness } from "../../metrics/readiness";
import { metrics } from "../../metrics/registry";
import { createS3ObjectStore, useObjectStore as switchObjectStore, type ObjectStore } from "../../storage/object-store";
import { filesNeedMissingObjectStorage, warnIfFilesNeedMissingObjectStorage } from "../../storage/unreachable-files";
import { seedTestCompany } from "../../testing/factories";
import { startS3Fake, type S3Fake } from "../../testing/s3-fake";
import { readFile, storeFile } from "./store-file";

// Files were moved to object storage, and the S3_* settings were removed since: the bytes exist, this instance
// cannot reach them. Said as that — 503 with the reason, not ready, a warning at start — never as a server error.

let signedIn: { id: string; companyId: string; role: "admin" | "operator" } | null = null;
vi.mock("../../auth/options", () => ({ getSessionUser: async () => signedIn }));

let s3: S3Fake;
let s3Store: ObjectStore;

beforeAll(async () => {
  s3 = await startS3Fake();
  s3Store = createS3ObjectStore({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.url, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true, timeoutMs: 5_000 });
});
afterEach(() => switchObjectStore(undefined));
afterAll(async () => {
  // This file's bucket goes with it: rows pointing into it would leave the rest of the run "not ready".
  await db.delete(storedFiles).where(isNotNull(storedFiles.storageKey));
  await s3.close();
});

const get = (id: string) => download(new Request(`http://localhost:3000/api/files/${id}`), { params: Promise.resolve({ id }) });

/** A company with one file kept in the database and one moved to object storage. */
async function filesInBothPlaces() {
  const co = await seedTestCompany();
  signedIn = { id: co.operators[0]!.id, companyId: co.companyId, role: "operator" };
  const inDatabase = await storeFile(db, co.companyId, { name: "kept.txt", mimeType: "text/plain", data: Buffer.from("kept in the database") });
  switchObjectStore(s3Store);
  const bytes = randomBytes(2048);
  const inBucket = await storeFile(db, co.companyId, { name: "moved.pdf", mimeType: "application/pdf", data: bytes });
  switchObjectStore(undefined); // the S3_* settings are removed
  return { co, inDatabase, inBucket, bytes };
}

describe("files in object storage while object storage is not configured", () => {
  it("a download answers 503 with the reason (not 500); files in the database are still served; configured again, it is served", async () => {
    const { co, inDatabase, inBucket, bytes } = await filesInBothPlaces();
    const refused = await get(inBucket.id);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe("file storage is not configured");
    expect(refused.headers.get("retry-after")).toBe("60");

    const kept = await get(inDatabase.id);
    expect(kept.status).toBe(200);
    expect(await kept.text()).toBe("kept in the database");
    await expect(readFile(db, co.companyId, inBucket.id)).rejects.toMatchObject({ name: "ObjectStorageNotConfiguredError" });

    switchObjectStore(s3Store);
    const served = await get(inBucket.id);
    expect(served.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), bytes)).toBe(0);
  });

  it("readiness and metrics: reported with the reason while files need it (still ready: the rest works), gone once it is configured", async () => {
    await filesInBothPlaces();
    expect(await readiness()).toEqual({
      ok: true,
      database: { reachable: true },
      migrations: { pending: 0 },
      files: { storage: "not_configured", reason: "file storage is not configured: files are in object storage and S3_BUCKET is not set" },
    });
    const res = await ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, files: { storage: "not_configured" } });
    expect(await refreshDatabaseGauges()).toBe(true);
    expect((await metrics().filesUnreachable.get()).values[0]?.value).toBe(1);

    switchObjectStore(s3Store);
    expect(await readiness()).toEqual({ ok: true, database: { reachable: true }, migrations: { pending: 0 } });
    expect((await ready()).status).toBe(200);
    await refreshDatabaseGauges();
    expect((await metrics().filesUnreachable.get()).values[0]?.value).toBe(0);
  });

  it("start-up: one loud warning naming the settings to set; none when configured, or when no file is in object storage", async () => {
    await filesInBothPlaces();
    const lines: string[] = [];
    expect(await warnIfFilesNeedMissingObjectStorage(db, (line) => lines.push(line))).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchboard: WARNING/);
    for (const name of ["S3_BUCKET", "S3_REGION", "S3_ENDPOINT", "S3_FORCE_PATH_STYLE", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]) expect(lines[0]).toContain(name);

    switchObjectStore(s3Store);
    expect(await warnIfFilesNeedMissingObjectStorage(db, (line) => lines.push(line))).toBe(false);
    switchObjectStore(undefined);
    // Only files in the database (every file in object storage gone): nothing to say.
    await db
      .transaction(async (tx) => {
        await tx.delete(storedFiles).where(isNotNull(storedFiles.storageKey));
        expect(await filesNeedMissingObjectStorage(tx)).toBe(false);
        expect(await warnIfFilesNeedMissingObjectStorage(tx, (line) => lines.push(line))).toBe(false);
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
    expect(lines).toHaveLength(1);
  });
});
