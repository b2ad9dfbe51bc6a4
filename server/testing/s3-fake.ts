/**
 * A loopback S3-protocol server for the test suite (path-style addressing): PutObject, GetObject (with Range),
 * HeadObject, DeleteObject and the multipart upload calls @aws-sdk/lib-storage makes. Objects live in memory.
 * It checks that each request is signed with the expected access key, and can be made to fail (`down`) so the
 * fault paths of object storage are exercised. Test support only: never on the production path.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type S3Fake = {
  url: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  objects: Map<string, { data: Buffer; contentType: string }>;
  /** Requests by operation, e.g. "PutObject", "UploadPart", "GetObject"; `bytes`: the body a write carried. */
  calls: { op: string; key: string; range?: string; bytes?: number }[];
  /** While true every request is answered 500 InternalError. */
  down: boolean;
  reset(): void;
  close(): Promise<void>;
};

const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};
const error = (res: ServerResponse, status: number, code: string, method?: string) => {
  if (method === "HEAD") {
    res.writeHead(status);
    res.end();
    return;
  }
  xml(res, status, `<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const etagOf = (data: Buffer) => `"${createHash("md5").update(data).digest("hex")}"`;

export async function startS3Fake(opts: { bucket?: string; accessKeyId?: string; secretAccessKey?: string } = {}): Promise<S3Fake> {
  const bucket = opts.bucket ?? "switchboard-test";
  const accessKeyId = opts.accessKeyId ?? "FAKEACCESSKEY";
  const secretAccessKey = opts.secretAccessKey ?? "fake-secret-access-key";
  const objects: S3Fake["objects"] = new Map();
  const uploads = new Map<string, { key: string; contentType: string; parts: Map<number, Buffer> }>();
  const calls: S3Fake["calls"] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const [, bucketName, ...rest] = url.pathname.split("/");
      const key = decodeURIComponent(rest.join("/"));
      const q = url.searchParams;
      const method = req.method ?? "GET";
      if (fake.down) return error(res, 500, "InternalError", method);
      if (!String(req.headers.authorization ?? "").includes(`Credential=${accessKeyId}/`)) return error(res, 403, "InvalidAccessKeyId", method);
      if (bucketName !== bucket) return error(res, 404, "NoSuchBucket", method);
      if (!key) return error(res, 400, "InvalidRequest", method);

      if (method === "POST" && q.has("uploads")) {
        const uploadId = randomUUID();
        uploads.set(uploadId, { key, contentType: String(req.headers["content-type"] ?? "application/octet-stream"), parts: new Map() });
        calls.push({ op: "CreateMultipartUpload", key });
        return xml(res, 200, `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (method === "PUT" && q.has("uploadId")) {
        const upload = uploads.get(q.get("uploadId")!);
        if (!upload) return error(res, 404, "NoSuchUpload");
        const data = await readBody(req);
        upload.parts.set(Number(q.get("partNumber")), data);
        calls.push({ op: "UploadPart", key, bytes: data.byteLength });
        res.writeHead(200, { etag: etagOf(data) });
        return res.end();
      }
      if (method === "POST" && q.has("uploadId")) {
        const upload = uploads.get(q.get("uploadId")!);
        if (!upload) return error(res, 404, "NoSuchUpload");
        await readBody(req);
        const data = Buffer.concat([...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part));
        objects.set(upload.key, { data, contentType: upload.contentType });
        uploads.delete(q.get("uploadId")!);
        calls.push({ op: "CompleteMultipartUpload", key });
        return xml(res, 200, `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etagOf(data)}</ETag></CompleteMultipartUploadResult>`);
      }
      if (method === "DELETE" && q.has("uploadId")) {
        uploads.delete(q.get("uploadId")!);
        calls.push({ op: "AbortMultipartUpload", key });
        res.writeHead(204);
        return res.end();
      }
      if (method === "PUT") {
        const data = await readBody(req);
        objects.set(key, { data, contentType: String(req.headers["content-type"] ?? "application/octet-stream") });
        calls.push({ op: "PutObject", key, bytes: data.byteLength });
        res.writeHead(200, { etag: etagOf(data) });
        return res.end();
      }
      if (method === "DELETE") {
        objects.delete(key);
        calls.push({ op: "DeleteObject", key });
        res.writeHead(204);
        return res.end();
      }
      if (method === "GET" || method === "HEAD") {
        const object = objects.get(key);
        const range = req.headers.range;
        calls.push({ op: method === "GET" ? "GetObject" : "HeadObject", key, range });
        if (!object) return error(res, 404, "NoSuchKey", method);
        const size = object.data.byteLength;
        const m = range ? /^bytes=(\d+)-(\d+)?$/.exec(range) : null;
        if (range && !m) return error(res, 400, "InvalidRange", method);
        const start = m ? Number(m[1]) : 0;
        const end = m ? Math.min(m[2] === undefined ? size - 1 : Number(m[2]), size - 1) : size - 1;
        if (start > end) return error(res, 416, "InvalidRange", method);
        const body = object.data.subarray(start, end + 1);
        res.writeHead(m ? 206 : 200, {
          "content-type": object.contentType,
          "content-length": body.byteLength,
          etag: etagOf(object.data),
          ...(m ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
        });
        return res.end(method === "HEAD" ? undefined : body);
      }
      return error(res, 405, "MethodNotAllowed", method);
    })().catch(() => {
      if (!res.headersSent) error(res, 500, "InternalError");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: S3Fake = {
    url: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    calls,
    down: false,
    reset() {
      objects.clear();
      uploads.clear();
      calls.length = 0;
      fake.down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
