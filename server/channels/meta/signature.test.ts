import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { signMetaBody, verifyMetaSignature } from "./signature";

const dir = new URL("../../../e2e/fixtures/meta/", import.meta.url);
const signatures = JSON.parse(readFileSync(new URL("signatures.json", dir), "utf8")) as { app_secret: string; signatures: Record<string, string> };
const SECRET = signatures.app_secret;
const bytes = (name: string) => readFileSync(new URL(name, dir));

describe("X-Hub-Signature-256", () => {
  it.each(Object.entries(signatures.signatures))("accepts %s with its signature from signatures.json", (name, header) => {
    expect(verifyMetaSignature(bytes(name), header, SECRET)).toBe(true);
  });

  it("rejects fb-message-text.json with one byte changed", () => {
    const raw = Buffer.from(bytes("fb-message-text.json"));
    const at = raw.indexOf("TEST-123");
    raw[at] = "X".charCodeAt(0);
    expect(verifyMetaSignature(raw, signatures.signatures["fb-message-text.json"], SECRET)).toBe(false);
  });

  it("rejects fb-message-text.json re-serialized (the signature covers the bytes, not the JSON value)", () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(bytes("fb-message-text.json").toString("utf8"))));
    expect(verifyMetaSignature(reserialized, signatures.signatures["fb-message-text.json"], SECRET)).toBe(false);
  });

  it("rejects fb-reaction.json under another secret, and missing or malformed headers", () => {
    const raw = bytes("fb-reaction.json");
    const header = signatures.signatures["fb-reaction.json"]!;
    expect(verifyMetaSignature(raw, header, "another_secret")).toBe(false);
    expect(verifyMetaSignature(raw, null, SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, "", SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, header.slice("sha256=".length), SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, `sha1=${header.slice("sha256=".length)}`, SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, header.slice(0, -2), SECRET)).toBe(false);
  });

  it("signs what it verifies (used by tests that post hand-made bodies)", () => {
    const body = '{"object":"page","entry":[]}';
    expect(signMetaBody(body, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyMetaSignature(Buffer.from(body), signMetaBody(body, SECRET), SECRET)).toBe(true);
    expect(verifyMetaSignature(Buffer.from(body), signMetaBody(body, SECRET).toUpperCase().replace("SHA256=", "sha256="), SECRET)).toBe(true);
  });
});
