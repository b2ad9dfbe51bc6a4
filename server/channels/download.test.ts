import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadAttachment } from "./download";
import type { FetchedFile } from "./types";

let server: Server;
let base = "";
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/photo.jpg") {
      res.writeHead(200, { "content-type": "image/jpeg", "content-length": 3 });
      return res.end(Buffer.from([1, 2, 3]));
    }
    if (req.url === "/declared-huge") {
      res.writeHead(200, { "content-type": "image/jpeg", "content-length": String(5 * 1024 * 1024 + 1) });
      return res.end();
    }
    if (req.url === "/streamed-huge") {
      // No content-length: the size is only learnt while reading.
      res.writeHead(200, { "content-type": "image/jpeg", "transfer-encoding": "chunked" });
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 6; i++) res.write(chunk);
      return res.end();
    }
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "http://example.invalid/elsewhere" });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const image = (path: string) => ({ kind: "image" as const, providerRef: `${base}${path}` });

/** Reads an opened download to its end: its bytes, or the note it ended with. */
async function read(fetched: FetchedFile) {
  if (!fetched.ok) return fetched;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of fetched.body) chunks.push(chunk as Buffer);
  } catch {
    return { ok: false, note: fetched.body.failure };
  }
  return { ok: true, data: Buffer.concat(chunks), mimeType: fetched.mimeType, name: fetched.name };
}

describe("downloadAttachment", () => {
  it("downloads from an allowed host, keeping the type and the file name", async () => {
    expect(await read(await downloadAttachment(image("/photo.jpg"), ["127.0.0.1"]))).toEqual({ ok: true, data: Buffer.from([1, 2, 3]), mimeType: "image/jpeg", name: "photo.jpg" });
  });

  it("stops at the inbound image limit, whether the size is declared or only streamed", async () => {
    expect(await downloadAttachment(image("/declared-huge"), ["127.0.0.1"])).toEqual({ ok: false, note: "too_large" });
    const streamed = await downloadAttachment(image("/streamed-huge"), ["127.0.0.1"]);
    expect(streamed.ok).toBe(true); // no size declared: learnt while reading, and refused at the first byte over
    expect(await read(streamed)).toEqual({ ok: false, note: "too_large" });
  });

  it("never contacts a host outside the provider's media hosts, nor follows a redirect away", async () => {
    const before = hits.length;
    expect(await downloadAttachment(image("/photo.jpg"), ["fbcdn.net"])).toEqual({ ok: false, note: "fetch_failed" });
    expect(hits.length).toBe(before);
    expect(await downloadAttachment(image("/redirect"), ["127.0.0.1"])).toEqual({ ok: false, note: "fetch_failed" });
    expect(await downloadAttachment({ kind: "image", providerRef: "file:///etc/passwd" }, ["127.0.0.1"])).toEqual({ ok: false, note: "fetch_failed" });
  });

  it("refuses a known size over the file limit without a request, and kinds it does not fetch", async () => {
    const before = hits.length;
    expect(await downloadAttachment({ kind: "file", providerRef: `${base}/photo.jpg`, sizeBytes: 20 * 1024 * 1024 + 1 }, ["127.0.0.1"])).toEqual({ ok: false, note: "too_large" });
    expect(await downloadAttachment({ kind: "sticker", providerRef: `${base}/photo.jpg` }, ["127.0.0.1"])).toEqual({ ok: false, note: "fetch_failed" });
    expect(hits.length).toBe(before);
  });
});
