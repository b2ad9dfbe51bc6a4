import { describe, expect, it } from "vitest";
import { parseEnv } from "../env.js";

describe("object storage configuration", () => {
  it("keeps files in the database when no bucket is set, and reads every S3 variable when one is", () => {
    expect(parseEnv({}).S3_BUCKET).toBeUndefined();
    const env = parseEnv({
      S3_BUCKET: "files",
      S3_REGION: "auto",
      S3_ENDPOINT: "https://account.r2.cloudflarestorage.com",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(env).toMatchObject({ S3_BUCKET: "files", S3_REGION: "auto", S3_FORCE_PATH_STYLE: true, S3_TIMEOUT_MS: 30_000 });
    const minimal = parseEnv({ S3_BUCKET: "files" });
    expect(minimal).toMatchObject({ S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false });
    expect(minimal.S3_ACCESS_KEY_ID).toBeUndefined(); // the AWS SDK's own credential chain
  });

  it("refuses half a key pair, keys or an endpoint without a bucket, and an endpoint that is not a URL", () => {
    expect(() => parseEnv({ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "id" })).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/);
    expect(() => parseEnv({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow(/S3_BUCKET is required/);
    expect(() => parseEnv({ S3_BUCKET: "files", S3_ENDPOINT: "minio:9000" })).toThrow(/S3_ENDPOINT/);
  });
});
