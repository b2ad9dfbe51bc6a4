import { createServer as createHttpServer, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { NoAnswerError, requestWithDeadline } from "./http-request";

const open: (Server | NetServer)[] = [];
const sockets = new Set<Socket>();
const listen = async <S extends Server | NetServer>(server: S): Promise<number> => {
  open.push(server);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(open.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected no answer");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(NoAnswerError);
      return error as NoAnswerError;
    },
  );

describe("requestWithDeadline", () => {
  it("answers as a Response: status, headers, body, and what was sent", async () => {
    let seen: { method?: string; type?: string; body: string } = { body: "" };
    const port = await listen(
      createHttpServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          seen = { method: req.method, type: req.headers["content-type"], body };
          res.writeHead(429, { "content-type": "application/json", "retry-after": "7" }).end(JSON.stringify({ ok: false }));
        });
      }),
    );
    const response = await requestWithDeadline(`http://127.0.0.1:${port}/x`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' }, 2000);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toEqual({ ok: false });
    expect(seen).toEqual({ method: "POST", type: "application/json", body: '{"a":1}' });
  });

  it("a refused connection never sent the request", async () => {
    const port = await listen(createHttpServer());
    await new Promise((resolve) => open.pop()!.close(resolve));
    const error = await failure(requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" }, 2000));
    expect(error).toMatchObject({ requestSent: false, reason: "ECONNREFUSED" });
  });

  it("a TLS handshake that never completes never sent the request", async () => {
    const port = await listen(createNetServer(() => {}));
    const error = await failure(requestWithDeadline(`https://127.0.0.1:${port}/`, { method: "POST", body: "x" }, 300));
    expect(error).toMatchObject({ requestSent: false, reason: "timeout" });
  });

  it("a server that takes the request and never answers: sent, then the deadline", async () => {
    const arrived: string[] = [];
    const port = await listen(createHttpServer((req) => req.on("data", (c: Buffer) => arrived.push(c.toString()))));
    const error = await failure(requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: "hello" }, 300));
    expect(error).toMatchObject({ requestSent: true, reason: "timeout" });
    expect(arrived.join("")).toBe("hello");
  });

  it("an answer that crawls past the deadline is no answer; the request was sent", async () => {
    const held: ServerResponse[] = [];
    const port = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"ok":');
        held.push(res);
      }),
    );
    const error = await failure(requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" }, 300));
    expect(error).toMatchObject({ requestSent: true, reason: "timeout" });
    expect(held).toHaveLength(1);
  });

  it("a connection broken mid-answer is no answer; the request was sent", async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setTimeout(() => res.socket?.destroy(), 20);
      }),
    );
    const error = await failure(requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" }, 2000));
    expect(error.requestSent).toBe(true);
  });

  it("sends multipart and form bodies with their content types", async () => {
    const types: string[] = [];
    const port = await listen(
      createHttpServer((req, res) => {
        types.push(req.headers["content-type"] ?? "");
        req.resume();
        req.on("end", () => res.writeHead(204).end());
      }),
    );
    const form = new FormData();
    form.set("chat_id", "1");
    expect((await requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: form }, 2000)).status).toBe(204);
    await requestWithDeadline(`http://127.0.0.1:${port}/`, { method: "POST", body: new URLSearchParams({ a: "b" }) }, 2000);
    expect(types[0]).toMatch(/^multipart\/form-data; boundary=/);
    expect(types[1]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
  });
});
