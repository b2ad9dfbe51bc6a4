import { describe, expect, it } from "vitest";
import { EnvError, MIN_RAW_EVENT_RETENTION_DAYS, parseEnv } from "./env.js";

describe("parseEnv", () => {
  it("starts in development with nothing configured", () => {
    const env = parseEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.encryptionKey).toHaveLength(32);
    expect(env.pusherConfigured).toBe(false);
    expect(env.TELEGRAM_API_BASE_URL).toBe("https://api.telegram.org");
  });

  it("refuses production without secrets, naming each variable", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    try {
      parseEnv({ NODE_ENV: "production" });
    } catch (error) {
      expect(String(error)).toContain("NEXTAUTH_SECRET");
      expect(String(error)).toContain("ENCRYPTION_KEY");
    }
  });

  it("refuses a short session secret and a key that is not 32 bytes", () => {
    expect(() => parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "short", ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") })).toThrow(/NEXTAUTH_SECRET/);
    expect(() => parseEnv({ ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/ENCRYPTION_KEY/);
  });

  it("accepts production with real secrets and trims trailing slashes of provider URLs", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      NEXTAUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      TELEGRAM_API_BASE_URL: "http://127.0.0.1:4010/",
    });
    expect(env.TELEGRAM_API_BASE_URL).toBe("http://127.0.0.1:4010");
    expect(env.authSecret).toBe("x".repeat(40));
  });

  it("refuses the development sandbox in production", () => {
    const secrets = { NEXTAUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
    expect(() => parseEnv({ NODE_ENV: "production", ...secrets, SANDBOX_TELEGRAM_URL: "http://127.0.0.1:9" })).toThrow(/SANDBOX_TELEGRAM_URL/);
    expect(parseEnv({ SANDBOX_TELEGRAM_URL: "http://127.0.0.1:9" }).SANDBOX_TELEGRAM_URL).toBe("http://127.0.0.1:9");
  });

  it("requires the Pusher trio together and rejects a bad URL or number", () => {
    expect(() => parseEnv({ PUSHER_APP_ID: "1" })).toThrow(/PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET/);
    expect(() => parseEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_POOL_MAX: "many" })).toThrow(/DATABASE_POOL_MAX/);
    expect(parseEnv({ PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: "s" }).pusherConfigured).toBe(true);
  });

  it("keeps raw webhook events 30 days by default and refuses a retention shorter than the providers' redelivery", () => {
    expect(parseEnv({}).RAW_EVENT_RETENTION_DAYS).toBe(30);
    expect(parseEnv({ RAW_EVENT_RETENTION_DAYS: " 7 " }).RAW_EVENT_RETENTION_DAYS).toBe(7);
    expect(parseEnv({ RAW_EVENT_RETENTION_DAYS: String(MIN_RAW_EVENT_RETENTION_DAYS) }).RAW_EVENT_RETENTION_DAYS).toBe(MIN_RAW_EVENT_RETENTION_DAYS);
    expect(() => parseEnv({ RAW_EVENT_RETENTION_DAYS: "1" })).toThrow(/RAW_EVENT_RETENTION_DAYS: must be at least 3 days/);
    expect(() => parseEnv({ RAW_EVENT_RETENTION_DAYS: "0" })).toThrow(/RAW_EVENT_RETENTION_DAYS/);
    expect(() => parseEnv({ RAW_EVENT_RETENTION_DAYS: "2.5" })).toThrow(/RAW_EVENT_RETENTION_DAYS/);
    expect(() => parseEnv({ RAW_EVENT_RETENTION_DAYS: "forever" })).toThrow(/RAW_EVENT_RETENTION_DAYS/);
    expect(() => parseEnv({ RAW_EVENT_RETENTION_DAYS: "4000" })).toThrow(/RAW_EVENT_RETENTION_DAYS: must be at most 3650 days/);
  });
});
