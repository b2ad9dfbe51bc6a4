import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { env } from "../env.js";

/** A byte range, both ends included (as HTTP's Range header counts). */
export type ByteRange = { start: number; end: number };

/**
 * Where attachment bytes live when they do not live in their stored_files row: any S3-compatible object storage.
 * Keys are chosen by the caller; nothing here knows about companies or files.
 */
export interface ObjectStore {
  /** Writes an object. A stream is sent in parts (never the whole file in memory); a Buffer in one request. */
  put(key: string, body: Readable | Buffer, opts: { contentType: string }): Promise<void>;
  /** The object's bytes (or a range of them) as a stream; undefined when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** The object's size, or undefined when there is no such object. */
  head(key: string): Promise<{ sizeBytes: number } | undefined>;
  /** Removes an object; removing one that is not there succeeds (S3's own rule). */
  delete(key: string): Promise<void>;
}

/** The settings object storage is configured with, as an operator is told to set them. */
export const OBJECT_STORAGE_SETTINGS =
  "S3_BUCKET, S3_REGION, and S3_ENDPOINT (with S3_FORCE_PATH_STYLE=true where needed) for MinIO, R2 and other S3-compatible servers; S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither for the AWS SDK's own chain";

/**
 * A file's bytes are in object storage, and this process has none configured (no S3_BUCKET): the bytes exist, they
 * cannot be reached until the settings are back. Not a missing file, and not a fault of the request.
 */
export class ObjectStorageNotConfiguredError extends Error {
  readonly reason = "file storage is not configured";
  constructor() {
    super("file storage is not configured: the file is in object storage and S3_BUCKET is not set");
    this.name = "ObjectStorageNotConfiguredError";
  }
}

export type S3Config = {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  timeoutMs: number;
};

/** Multipart part size: what one upload holds in memory at a time, times the parts in flight. */
const PART_SIZE = 5 * 1024 * 1024;

/**
 * The AWS SDK, loaded when object storage is first used: an instance that keeps files in the database (and every
 * process that never touches a file) does not pay for loading it.
 */
const sdk = async () => {
  const [s3, storage] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
  return { ...s3, Upload: storage.Upload };
};
type Sdk = Awaited<ReturnType<typeof sdk>>;

const isMissing = ({ S3ServiceException }: Sdk, error: unknown) =>
  error instanceof S3ServiceException && (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404);

export function createS3ObjectStore(config: S3Config): ObjectStore {
  let connected: Promise<{ client: S3Client; sdk: Sdk }> | undefined;
  const connect = () => (connected ??= sdk().then((loaded) => ({ sdk: loaded, client: newClient(loaded, config) })));
  const deadline = () => AbortSignal.timeout(config.timeoutMs);
  const Bucket = config.bucket;

  return {
    async put(key, body, { contentType }) {
      const { client, sdk: { PutObjectCommand, Upload } } = await connect();
      if (Buffer.isBuffer(body)) {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.byteLength }), { abortSignal: deadline() });
        return;
      }
      // Parts of PART_SIZE, two in flight: a file of any size costs ~10 MB of memory; a small one is one PutObject.
      await new Upload({ client, params: { Bucket, Key: key, Body: body, ContentType: contentType }, partSize: PART_SIZE, queueSize: 2, leavePartsOnError: false }).done();
    },
    async get(key, range) {
      const { client, sdk: loaded } = await connect();
      try {
        const out = await client.send(new loaded.GetObjectCommand({ Bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
        const body = out.Body;
        if (!body) return Readable.from([]);
        return body instanceof Readable ? body : Readable.fromWeb((body as { transformToWebStream(): ReadableStream }).transformToWebStream() as import("node:stream/web").ReadableStream);
      } catch (error) {
        if (isMissing(loaded, error)) return undefined;
        throw error;
      }
    },
    async head(key) {
      const { client, sdk: loaded } = await connect();
      try {
        const out = await client.send(new loaded.HeadObjectCommand({ Bucket, Key: key }), { abortSignal: deadline() });
        return { sizeBytes: out.ContentLength ?? 0 };
      } catch (error) {
        if (isMissing(loaded, error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      const { client, sdk: { DeleteObjectCommand } } = await connect();
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }), { abortSignal: deadline() });
    },
  };
}

function newClient({ S3Client }: Sdk, config: S3Config): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
    // Checksums only where S3 requires them: MinIO, R2 and older S3-compatible servers refuse the SDK's newer
    // default (CRC32 trailers on every upload), and each file's sha256 is kept and checked by the app anyway.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Connection deadline, and the longest a transfer may stall (an idle socket), so a hung server fails the call.
    requestHandler: { connectionTimeout: Math.min(config.timeoutMs, 5_000), requestTimeout: config.timeoutMs },
    maxAttempts: 3,
  });
}

export function s3ConfigFromEnv(): S3Config | undefined {
  const e = env();
  if (!e.S3_BUCKET) return undefined;
  return {
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    timeoutMs: e.S3_TIMEOUT_MS,
  };
}

const globalForStore = globalThis as unknown as { switchboardObjectStore?: { store: ObjectStore | undefined } };

/**
 * The configured object storage, or undefined when files are kept in the database (no S3_BUCKET). Created once
 * per process. `useObjectStore` replaces it (the test suite switches between the two modes with it).
 */
export function objectStore(): ObjectStore | undefined {
  if (!globalForStore.switchboardObjectStore) {
    const config = s3ConfigFromEnv();
    globalForStore.switchboardObjectStore = { store: config ? createS3ObjectStore(config) : undefined };
  }
  return globalForStore.switchboardObjectStore.store;
}

export function useObjectStore(store: ObjectStore | undefined): void {
  globalForStore.switchboardObjectStore = { store };
}
