import { describe, expect, it } from "vitest";
import { META_MAX_ATTACHMENT_BYTES, outboundLimit, profileFromGraph, refuseAttachment, SendProgress, uploadFileName } from "./outbound";

const MB = 1024 * 1024;

describe("Meta outbound attachments", () => {
  it("lets images and files within F7's limits go to Messenger", () => {
    expect(refuseAttachment("messenger", { kind: "image", sizeBytes: 10 * MB, fileId: "f" })).toBeUndefined();
    expect(refuseAttachment("messenger", { kind: "file", sizeBytes: 20 * MB, fileId: "f" })).toBeUndefined();
    expect(refuseAttachment("instagram", { kind: "image", sizeBytes: 1024, fileId: "f" })).toBeUndefined();
  });

  it("refuses an image over 10 MB (F7) and a file over Meta's 25 MB, though F7 allows files up to 50 MB", () => {
    expect(refuseAttachment("messenger", { kind: "image", sizeBytes: 10 * MB + 1, fileId: "f" })).toMatchObject({ reason: "attachment_too_large" });
    expect(outboundLimit("file")).toBe(META_MAX_ATTACHMENT_BYTES);
    expect(refuseAttachment("messenger", { kind: "file", sizeBytes: 25 * MB + 1, fileId: "f" })).toMatchObject({ reason: "attachment_too_large" });
    expect(refuseAttachment("messenger", { kind: "file", sizeBytes: 25 * MB, fileId: "f" })).toBeUndefined();
  });

  it("refuses a file to Instagram whatever its size, other kinds everywhere, and an attachment without a stored file", () => {
    expect(refuseAttachment("instagram", { kind: "file", sizeBytes: 10, fileId: "f" })).toMatchObject({ reason: "invalid_request" });
    expect(refuseAttachment("messenger", { kind: "voice", sizeBytes: 10, fileId: "f" })).toMatchObject({ reason: "invalid_request" });
    expect(refuseAttachment("messenger", { kind: "image", sizeBytes: 10 })).toMatchObject({ reason: "invalid_request" });
  });

  it("keeps a file name for Messenger and makes it ASCII for Instagram", () => {
    expect(uploadFileName("messenger", "рахунок.pdf")).toBe("рахунок.pdf");
    expect(uploadFileName("instagram", "label.png")).toBe("label.png");
    expect(uploadFileName("instagram", "фото.png")).toBe("attachment.png");
    expect(uploadFileName("instagram", "photo é.jpg")).toBe("photo _.jpg");
    expect(uploadFileName("instagram", "снимок")).toBe("attachment");
  });
});

describe("Meta profile names", () => {
  it("Messenger: first and last name, or what there is of them", () => {
    expect(profileFromGraph("messenger", { first_name: "Peter", last_name: "Chang", id: "1" })).toEqual({ displayName: "Peter Chang" });
    expect(profileFromGraph("messenger", { first_name: " Peter ", id: "1" })).toEqual({ displayName: "Peter" });
    expect(profileFromGraph("messenger", { id: "1" })).toBeUndefined();
    expect(profileFromGraph("messenger", {})).toBeUndefined();
  });

  it("Instagram: the name with the username, or @username when the name is not set", () => {
    expect(profileFromGraph("instagram", { name: "Ana Silva", username: "ana.silva", id: "5" })).toEqual({ displayName: "Ana Silva", username: "ana.silva" });
    expect(profileFromGraph("instagram", { name: null, username: "ana.silva" })).toEqual({ displayName: "@ana.silva", username: "ana.silva" });
    expect(profileFromGraph("instagram", { name: "Ana Silva" })).toEqual({ displayName: "Ana Silva" });
    expect(profileFromGraph("instagram", { name: "", username: "" })).toBeUndefined();
  });
});

describe("SendProgress", () => {
  it("remembers how far a send got until forgotten, and drops the oldest beyond its capacity", () => {
    const progress = new SendProgress(2);
    progress.record("a", ["m1"]);
    progress.record("b", ["m2"]);
    progress.record("a", ["m1", "m3"]);
    expect(progress.get("a")).toEqual(["m1", "m3"]);
    progress.record("c", ["m4"]);
    expect(progress.get("b")).toBeUndefined();
    expect(progress.get("a")).toBeDefined();
    progress.forget("a");
    expect(progress.get("a")).toBeUndefined();
  });
});
