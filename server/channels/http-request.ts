import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * A provider call that got no answer, and whether its request had left before it failed. fetch cannot tell these
 * apart (a timeout is a timeout), and the difference matters: a request handed to the network may have been
 * acted on — a message delivered — although its answer never came; one that never left (refused, unresolvable,
 * a connection or TLS handshake that never completed) certainly was not.
 */
export class NoAnswerError extends Error {
  constructor(
    /** The whole request had been handed to the operating system for the network. */
    readonly requestSent: boolean,
    /** "timeout", or the system's code (ECONNREFUSED, ENOTFOUND, ECONNRESET…). */
    readonly reason: string,
  ) {
    super(`no answer (${reason}) ${requestSent ? "after the request was sent" : "before the request was sent"}`);
    this.name = "NoAnswerError";
  }
}

export type DeadlineRequest = { method: "GET" | "POST"; headers?: Record<string, string>; body?: string | URLSearchParams | FormData };

// Provider answers are small JSON documents; this only bounds what a broken one may make us buffer.
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

async function encode(body: DeadlineRequest["body"]): Promise<{ bytes?: Buffer; contentType?: string }> {
  if (body === undefined) return {};
  if (typeof body === "string") return { bytes: Buffer.from(body) };
  if (body instanceof URLSearchParams) return { bytes: Buffer.from(body.toString()), contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  // The fetch API's own multipart encoder, so the bytes are what fetch would have sent.
  const encoded = new Response(body);
  return { bytes: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type") ?? undefined };
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
}

/**
 * One HTTP request with a deadline over all of it — connecting, sending and reading the whole answer — so a
 * provider that hangs or crawls costs this call `timeoutMs` and nothing more. Answers as a fetch Response
 * (already read); throws NoAnswerError, saying whether the request had left, when no complete answer came.
 */
export async function requestWithDeadline(url: string, init: DeadlineRequest, timeoutMs: number): Promise<Response> {
  const target = new URL(url);
  const https = target.protocol === "https:";
  const { bytes, contentType } = await encode(init.body);
  const headers: Record<string, string> = {
    ...(contentType ? { "content-type": contentType } : {}),
    ...init.headers,
    ...(bytes ? { "content-length": String(bytes.byteLength) } : {}),
  };
  return new Promise<Response>((resolve, reject) => {
    let sent = false;
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new NoAnswerError(sent, reason));
    };
    const req = (https ? httpsRequest : httpRequest)(target, { method: init.method, headers, agent: https ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > MAX_ANSWER_BYTES) fail("answer too large");
        else chunks.push(chunk);
      });
      res.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
      res.on("close", () => {
        if (!res.complete) fail("connection closed mid-answer");
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        try {
          resolve(new Response([204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: toHeaders(res.headers) }));
        } catch {
          reject(new NoAnswerError(true, `unreadable answer (HTTP ${status})`));
        }
      });
    });
    const timer = setTimeout(() => fail("timeout"), timeoutMs);
    // 'finish': the last byte of the request was handed to the operating system. Until then the provider cannot
    // have the whole request, so it cannot have acted on it.
    req.on("finish", () => (sent = true));
    req.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
    req.end(bytes);
  });
}
