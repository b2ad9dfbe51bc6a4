import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { eq, inArray, isNotNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { db } from "../../../db";
import { storedFileObjectDeletions, storedFiles } from "../../../db/schema";
import { GET as download } from "../../../app/api/files/[id]/route";
import { POST as upload } from "../../../app/api/uploads/route";
import { processEnvironment } from "../../env.js";
import { createS3ObjectStore, useObjectStore, type ObjectStore } from "../../storage/object-store";
import { seedTestCompany } from "../../testing/factories";
import { startS3Fake, type S3Fake } from "../../testing/s3-fake";
import { deleteStoredFiles, removePendingObjectDeletions } from "./delete-stored-files";
import { moveFilesToObjectStorage } from "./move-files-to-object-storage";
import { readFile, storeFile, storageKeyFor } from "./store-file";

// The routes read the signed-in person through next-auth; here each request is made as `signedIn`.
let signedIn: { id: string; companyId: string; role: "admin" | "operator" } | null = null;
vi.mock("../../auth/options", () => ({ getSessionUser: async () => signedIn }));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let s3: S3Fake;
let s3Store: ObjectStore;

beforeAll(async () => {
  s3 = await startS3Fake();
  s3Store = createS3ObjectStore({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.url, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true, timeoutMs: 5_000 });
});
afterEach(() => {
  useObjectStore(undefined);
  s3.reset();
});
afterAll(async () => {
  // This file's bucket goes with it: rows pointing into it would leave the rest of the run "not ready".
  await db.delete(storedFiles).where(isNotNull(storedFiles.storageKey));
  await s3.close();
});

async function operatorOf() {
  const co = await seedTestCompany();
  return { co, user: { id: co.operators[0]!.id, companyId: co.companyId, role: "operator" as const } };
}

async function post(name: string, type: string, bytes: Buffer) {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(bytes)], name, { type }));
  return upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body: form, headers: { "sec-fetch-site": "same-origin" } }));
}

const get = (id: string, headers: Record<string, string> = {}) =>
  download(new Request(`http://localhost:3000/api/files/${id}`, { headers }), { params: Promise.resolve({ id }) });

describe.each(["database", "s3"] as const)("files kept in %s", (mode) => {
  const use = () => useObjectStore(mode === "s3" ? s3Store : undefined);

  it("an upload round-trips through the upload and file routes: whole, in ranges, by ETag, and for sends", async () => {
    use();
    const { user } = await operatorOf();
    signedIn = user;
    const bytes = randomBytes(6 * 1024 * 1024 + 123); // over one multipart part
    const created = await post("Отчёт 2026.pdf", "application/pdf", bytes);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, id));
    expect(row).toMatchObject({ sizeBytes: bytes.byteLength, sha256: sha(bytes) });
    if (mode === "s3") {
      expect(row!.data).toBeNull();
      expect(row!.storageKey).toBe(storageKeyFor(user.companyId, id));
      expect(Buffer.compare(s3.objects.get(row!.storageKey!)!.data, bytes)).toBe(0);
      expect(s3.calls.filter((c) => c.op === "UploadPart").length).toBe(2); // streamed in parts, not as one body
    } else {
      expect(row!.storageKey).toBeNull();
      expect(Buffer.compare(row!.data!, bytes)).toBe(0);
      expect(s3.calls).toEqual([]);
    }

    const whole = await get(id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(bytes.byteLength));
    expect(whole.headers.get("etag")).toBe(`"${sha(bytes)}"`);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-disposition")).toBe(`attachment; filename*=UTF-8''${encodeURIComponent("Отчёт 2026.pdf")}`);
    expect(whole.headers.get("content-type")).toBe("application/octet-stream");
    expect(sha(Buffer.from(await whole.arrayBuffer()))).toBe(sha(bytes));

    const part = await get(id, { range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.byteLength}`);
    expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200))).toBe(0);
    if (mode === "s3") expect(s3.calls.at(-1)).toMatchObject({ op: "GetObject", range: "bytes=100-199" }); // only the range is fetched

    const tail = await get(id, { range: "bytes=-10" });
    expect(Buffer.compare(Buffer.from(await tail.arrayBuffer()), bytes.subarray(-10))).toBe(0);
    expect((await get(id, { range: `bytes=${bytes.byteLength}-` })).status).toBe(416);
    expect((await get(id, { range: "bytes=0-9", "if-range": '"another-version"' })).status).toBe(200);
    expect((await get(id, { "if-none-match": `"${sha(bytes)}"` })).status).toBe(304);

    const forSend = await readFile(db, user.companyId, id);
    expect(forSend && sha(forSend.data)).toBe(sha(bytes));

    if (mode === "s3") {
      s3.objects.delete(row!.storageKey!); // lost from the bucket: answered as missing, not as a server error
      expect((await get(id)).status).toBe(404);
    }
  });

  it("refuses an image over the limit with 413 and stores nothing; another company's file is 404", async () => {
    use();
    const { user } = await operatorOf();
    const { user: stranger } = await operatorOf();
    signedIn = user;
    const before = await db.$count(storedFiles, eq(storedFiles.companyId, user.companyId));
    expect((await post("big.jpg", "image/jpeg", Buffer.alloc(10 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await post("empty.txt", "text/plain", Buffer.alloc(0))).status).toBe(400);
    const notMultipart = await upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body: "x", headers: { "content-type": "text/plain" } }));
    expect(notMultipart.status).toBe(400);
    const noFile = new FormData();
    noFile.append("note", "no file here");
    expect((await upload(new Request("http://localhost:3000/api/uploads", { method: "POST", body: noFile }))).status).toBe(400);
    expect(await db.$count(storedFiles, eq(storedFiles.companyId, user.companyId))).toBe(before);
    expect(s3.objects.size).toBe(0);

    const mine = await storeFile(db, user.companyId, { name: "a.png", mimeType: "image/png", data: randomBytes(64) });
    expect((await get(mine.id)).headers.get("content-disposition")).toBe("inline; filename*=UTF-8''a.png");
    signedIn = stranger;
    expect((await get(mine.id)).status).toBe(404);
    expect(await readFile(db, stranger.companyId, mine.id)).toBeUndefined();
    signedIn = null;
    expect((await get(mine.id)).status).toBe(401);
  });

  it("deleteStoredFiles removes the company's rows and their bytes, and nothing of another company", async () => {
    use();
    const { user } = await operatorOf();
    const { user: stranger } = await operatorOf();
    const a = await storeFile(db, user.companyId, { name: "a.txt", mimeType: "text/plain", data: Buffer.from("a") });
    const b = await storeFile(db, user.companyId, { name: "b.txt", mimeType: "text/plain", data: Buffer.from("b") });
    const theirs = await storeFile(db, stranger.companyId, { name: "c.txt", mimeType: "text/plain", data: Buffer.from("c") });
    expect(s3.objects.size).toBe(mode === "s3" ? 3 : 0);

    expect(await deleteStoredFiles(db, user.companyId, [a.id, b.id, theirs.id])).toBe(2);
    expect(await db.$count(storedFiles, inArray(storedFiles.id, [a.id, b.id]))).toBe(0);
    expect(await readFile(db, stranger.companyId, theirs.id)).toMatchObject({ data: Buffer.from("c") });
    if (mode === "s3") expect([...s3.objects.keys()]).toEqual([storageKeyFor(stranger.companyId, theirs.id)]);
    expect(await db.$count(storedFileObjectDeletions)).toBe(0);
  });
});

describe("deletion in object storage", () => {
  it("inside a caller's transaction: nothing is removed on rollback; after commit the pending pass removes the objects", async () => {
    useObjectStore(s3Store);
    const { user } = await operatorOf();
    const file = await storeFile(db, user.companyId, { name: "x.txt", mimeType: "text/plain", data: Buffer.from("x") });
    const key = storageKeyFor(user.companyId, file.id);

    await expect(
      db.transaction(async (tx) => {
        expect(await deleteStoredFiles(tx, user.companyId, [file.id])).toBe(1);
        throw new Error("the caller's transaction fails");
      }),
    ).rejects.toThrow("the caller's transaction fails");
    expect(s3.objects.has(key)).toBe(true);
    expect(await readFile(db, user.companyId, file.id)).toMatchObject({ data: Buffer.from("x") });

    await db.transaction(async (tx) => {
      expect(await deleteStoredFiles(tx, user.companyId, [file.id])).toBe(1);
    });
    expect(s3.objects.has(key)).toBe(true); // the transaction's commit is not visible to the function
    expect(await removePendingObjectDeletions(db)).toMatchObject({ removed: 1, failed: 0 });
    expect(s3.objects.has(key)).toBe(false);
    expect(await db.$count(storedFileObjectDeletions)).toBe(0);
  });

  it("when object storage is down the rows still go, and the object is removed by a later pass", async () => {
    useObjectStore(s3Store);
    const { user } = await operatorOf();
    const file = await storeFile(db, user.companyId, { name: "y.txt", mimeType: "text/plain", data: Buffer.from("y") });
    const key = storageKeyFor(user.companyId, file.id);
    s3.down = true;
    expect(await deleteStoredFiles(db, user.companyId, [file.id])).toBe(1);
    const [pending] = await db.select().from(storedFileObjectDeletions).where(eq(storedFileObjectDeletions.storageKey, key));
    expect(pending?.attempts).toBe(1);
    s3.down = false;
    expect(s3.objects.has(key)).toBe(true);
    expect(await removePendingObjectDeletions(db)).toMatchObject({ removed: 1 });
    expect(s3.objects.has(key)).toBe(false);
  });

  it("an upload whose object cannot be written stores no row", async () => {
    useObjectStore(s3Store);
    const { user } = await operatorOf();
    signedIn = user;
    s3.down = true;
    const before = await db.$count(storedFiles, eq(storedFiles.companyId, user.companyId));
    await expect(storeFile(db, user.companyId, { name: "z.txt", mimeType: "text/plain", data: Buffer.from("z") })).rejects.toThrow();
    expect(await db.$count(storedFiles, eq(storedFiles.companyId, user.companyId))).toBe(before);
  });
});

describe("moving files from the database to object storage", () => {
  it("moves in batches, verifies sha256, leaves a damaged file in the database, and resumes after a failed run", async () => {
    const { user } = await operatorOf();
    signedIn = user;
    const contents = [randomBytes(1000), randomBytes(2000), randomBytes(3000)];
    const files = [];
    for (const [i, data] of contents.entries()) files.push(await storeFile(db, user.companyId, { name: `f${i}.bin`, mimeType: "application/octet-stream", data }));
    const damaged = await storeFile(db, user.companyId, { name: "damaged.bin", mimeType: "application/octet-stream", data: randomBytes(10) });
    await db.update(storedFiles).set({ data: Buffer.from("not what was stored") }).where(eq(storedFiles.id, damaged.id));
    const ids = [...files.map((f) => f.id), damaged.id];

    // A run while object storage is down moves nothing of ours and leaves every row as it was.
    s3.down = true;
    const failedRun = await moveFilesToObjectStorage(db, s3Store, { batchSize: 2, companyId: user.companyId });
    expect(failedRun.failed.map((f) => f.id).sort()).toEqual([...ids].sort());
    expect(failedRun).toMatchObject({ moved: 0, remaining: 4 });
    s3.down = false;
    expect(await db.$count(storedFiles, inArray(storedFiles.id, ids))).toBe(4);

    // The next run picks them up.
    const batches: number[] = [];
    const run = await moveFilesToObjectStorage(db, s3Store, { batchSize: 2, companyId: user.companyId, onBatch: ({ moved }) => batches.push(moved) });
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(run).toMatchObject({ moved: 3, failed: [{ id: damaged.id, reason: "the bytes in the database do not match the file's sha256" }], remaining: 1 });
    const rows = await db.select().from(storedFiles).where(inArray(storedFiles.id, ids));
    for (const [i, file] of files.entries()) {
      const row = rows.find((r) => r.id === file.id)!;
      expect(row).toMatchObject({ data: null, storageKey: storageKeyFor(user.companyId, file.id) });
      expect(Buffer.compare(s3.objects.get(row.storageKey!)!.data, contents[i]!)).toBe(0);
    }
    expect(rows.find((r) => r.id === damaged.id)).toMatchObject({ storageKey: null });
    expect(s3.objects.has(storageKeyFor(user.companyId, damaged.id))).toBe(false);

    // Served from object storage now, through the same route.
    useObjectStore(s3Store);
    const served = await get(files[1]!.id);
    expect(sha(Buffer.from(await served.arrayBuffer()))).toBe(sha(contents[1]!));

    // Nothing of ours is left to move; a further run moves none of it again.
    const again = await moveFilesToObjectStorage(db, s3Store, { batchSize: 2, companyId: user.companyId });
    expect(again).toMatchObject({ moved: 0, failed: [{ id: damaged.id }], remaining: 1 });
    expect(s3.calls.filter((c) => c.op === "PutObject" && ids.some((id) => c.key.endsWith(id))).length).toBe(3);
    await db.delete(storedFiles).where(eq(storedFiles.id, damaged.id));
  });
});

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** `npm run files:move` as an operator runs it: its own process, configured only through the environment. */
function runMoveCommand(args: string[], vars: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/launcher/files-move.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: processEnvironment().PATH, NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: inject("databaseUrl"), ...vars },
  });
  let output = "";
  proc.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) => proc.on("close", (code) => resolve({ code, output })));
}

describe("npm run files:move", () => {
  it("refuses to run without object storage configured", async () => {
    const { code, output } = await runMoveCommand([], {});
    expect(code).toBe(2);
    expect(output).toContain("S3_BUCKET is not set");
  });

  // The embedded test database serves one connection, held by this process: the command's own needs PostgreSQL.
  it.runIf(inject("databaseKind") === "postgres")("moves a company's files and says how many", async () => {
    const { user } = await operatorOf();
    const data = [randomBytes(500), randomBytes(700)];
    const files = [];
    for (const d of data) files.push(await storeFile(db, user.companyId, { name: "f.bin", mimeType: "application/octet-stream", data: d }));
    const { code, output } = await runMoveCommand(["--company", user.companyId, "--batch", "1"], {
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.url,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(output).toContain(`moved 2 file(s) to s3://${s3.bucket}; 0 still in the database`);
    expect(code).toBe(0);
    const rows = await db.select().from(storedFiles).where(inArray(storedFiles.id, files.map((f) => f.id)));
    expect(rows.every((r) => r.data === null && r.storageKey !== null)).toBe(true);
    for (const [i, f] of files.entries()) expect(sha(s3.objects.get(storageKeyFor(user.companyId, f.id))!.data)).toBe(sha(data[i]!));
  });
});
