import type { ProviderError } from "../../../db/schema";
import { env } from "../../env.js";
import { NoAnswerError, requestWithDeadline } from "../http-request";

/** A Graph API refusal or a transport failure. Carries no token and no request body. */
export class MetaApiError extends Error {
  constructor(readonly providerError: ProviderError) {
    super(`Meta Graph API error ${providerError.code ?? "network"}${providerError.subcode !== undefined ? `/${providerError.subcode}` : ""}`);
    this.name = "MetaApiError";
  }
}

type GraphError = { message?: string; type?: string; code?: number; error_subcode?: number; is_transient?: boolean; fbtrace_id?: string };

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** X-Business-Use-Case-Usage: {"<id>":[{type, estimated_time_to_regain_access (minutes)…}]} (protocols/meta.md §2.3). */
function regainAccessSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  try {
    const usage = JSON.parse(value) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const max = Math.max(0, ...minutes);
    return max > 0 ? max * 60 : undefined;
  } catch {
    return undefined;
  }
}

type Recipient = { id: string } | { user_ref: string };

/** The envelope every Send API call carries: who, and under which messaging type (protocols/meta.md §2.2). */
export type SendApiEnvelope = { recipient: Recipient; messaging_type: "RESPONSE" | "MESSAGE_TAG"; tag?: "HUMAN_AGENT" };

export type SendApiRequest = SendApiEnvelope & { message: { text: string } };

/** An operator's file sent in the upload-and-send call: `message.attachment.type` and the bytes as `filedata`. */
export type SendApiUpload = SendApiEnvelope & { type: "image" | "file"; file: { name: string; mimeType: string; data: Buffer } };

type SendApiResult = { recipient_id?: string; message_id: string };

/**
 * Transport: a call without an answer becomes a MetaApiError without the URL (which names no token anyway) or the
 * body, saying whether the request had left (Meta may then have acted on it).
 */
async function graphFetch(path: string, pageToken: string, init: { method: "GET" | "POST"; headers?: Record<string, string>; body?: string | FormData }, timeoutMs: number) {
  const { META_GRAPH_API_BASE_URL, META_GRAPH_API_VERSION } = env();
  try {
    return await requestWithDeadline(
      `${META_GRAPH_API_BASE_URL}/${META_GRAPH_API_VERSION}/${path}`,
      { method: init.method, headers: { ...init.headers, authorization: `Bearer ${pageToken}` }, ...(init.body !== undefined ? { body: init.body } : {}) },
      timeoutMs,
    );
  } catch (error) {
    if (error instanceof NoAnswerError) throw new MetaApiError({ description: `network error (${error.reason})`, requestSent: error.requestSent });
    throw new MetaApiError({ description: `network error (${error instanceof Error ? error.name : "Error"})` });
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = await response.json();
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function graphFailure(response: Response, parsed: Record<string, unknown> | undefined): MetaApiError {
  const graph = (parsed?.error ?? undefined) as GraphError | undefined;
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after")) ?? regainAccessSeconds(response.headers.get("x-business-use-case-usage"));
  return new MetaApiError({
    httpStatus: response.status,
    ...(typeof graph?.code === "number" ? { code: graph.code } : {}),
    ...(typeof graph?.error_subcode === "number" ? { subcode: graph.error_subcode } : {}),
    description: graph?.message ?? `HTTP ${response.status}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

async function sendResult(response: Response): Promise<SendApiResult> {
  const parsed = await readJson(response);
  if (response.ok && parsed && typeof parsed.message_id === "string") {
    return { ...(typeof parsed.recipient_id === "string" ? { recipient_id: parsed.recipient_id } : {}), message_id: parsed.message_id };
  }
  throw graphFailure(response, parsed);
}

const messagesPath = (node: string) => `${encodeURIComponent(node)}/messages`;

/**
 * POST {base}/{version}/{node}/messages. The Page token goes in the Authorization header so that it never
 * appears in a URL (and so never in a proxy or error log).
 */
export async function callSendApi(pageToken: string, node: string, body: SendApiRequest, timeoutMs = env().SEND_TIMEOUT_MS): Promise<SendApiResult> {
  const response = await graphFetch(messagesPath(node), pageToken, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, timeoutMs);
  return sendResult(response);
}

/**
 * Upload and send in one call: the same messages edge, as multipart/form-data with the envelope's fields
 * (objects as JSON strings, as Graph reads form fields), `message` = the attachment without a URL, and the
 * bytes as `filedata` with their name and type. `is_reusable: false`: each reply uploads its own copy.
 */
export async function callSendApiUpload(pageToken: string, node: string, upload: SendApiUpload, timeoutMs = 120_000): Promise<SendApiResult> {
  const form = new FormData();
  form.set("recipient", JSON.stringify(upload.recipient));
  form.set("messaging_type", upload.messaging_type);
  if (upload.tag) form.set("tag", upload.tag);
  form.set("message", JSON.stringify({ attachment: { type: upload.type, payload: { is_reusable: false } } }));
  form.set("filedata", new Blob([new Uint8Array(upload.file.data)], { type: upload.file.mimeType }), upload.file.name);
  // No content-type header: fetch sets multipart/form-data with its boundary.
  const response = await graphFetch(messagesPath(node), pageToken, { method: "POST", body: form }, timeoutMs);
  return sendResult(response);
}

/**
 * GET {base}/{version}/{id}?fields=… with the Page token in the header: a customer's profile by PSID or IGSID.
 * Throws MetaApiError on a refusal; an empty object (Meta's answer when the profile may not be shown) is returned as is.
 */
export async function getGraphObject(pageToken: string, id: string, fields: readonly string[], timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const response = await graphFetch(`${encodeURIComponent(id)}?fields=${fields.map(encodeURIComponent).join(",")}`, pageToken, { method: "GET" }, timeoutMs);
  const parsed = await readJson(response);
  if (response.ok && parsed && parsed.error === undefined) return parsed;
  throw graphFailure(response, parsed);
}

/**
 * POST {base}/{version}/{page-id}/pass_thread_control (Handover Protocol / Conversation Routing,
 * protocols/meta.md §3.3): hands the customer's thread to another app (the Page's bot). Graph answers
 * `{"success":true}`; anything else throws MetaApiError.
 */
export async function passThreadControl(pageToken: string, node: string, input: { psid: string; targetAppId: string; metadata?: string }, timeoutMs = 15_000): Promise<void> {
  const body = { recipient: { id: input.psid }, target_app_id: input.targetAppId, ...(input.metadata !== undefined ? { metadata: input.metadata } : {}) };
  const response = await graphFetch(`${encodeURIComponent(node)}/pass_thread_control`, pageToken, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, timeoutMs);
  const parsed = await readJson(response);
  if (response.ok && parsed?.success === true) return;
  throw graphFailure(response, parsed);
}

/** One page of a Graph list edge: its items, and the cursor of the next page when Graph says there is one. */
export type GraphListPage = { data: Record<string, unknown>[]; after?: string };

/** A list edge's page as Graph answers it (`{data, paging: {cursors: {before, after}, next?}}`), nested or not. */
export function graphListPage(value: unknown): GraphListPage {
  const body = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const data = Array.isArray(body.data) ? body.data.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)) : [];
  const paging = (typeof body.paging === "object" && body.paging !== null ? body.paging : {}) as { next?: unknown; cursors?: { after?: unknown } };
  // Graph leaves `next` out on the last page, while the cursors stay.
  const after = typeof paging.next === "string" && typeof paging.cursors?.after === "string" ? paging.cursors.after : undefined;
  return { data, ...(after ? { after } : {}) };
}

/**
 * GET {base}/{version}/{node}/{edge}?… with the Page token in the header: one page of a list edge (a Page's
 * conversations, a conversation's messages). Throws MetaApiError on a refusal.
 */
export async function getGraphList(pageToken: string, node: string, edge: string, query: Record<string, string>, timeoutMs = 15_000): Promise<GraphListPage> {
  const response = await graphFetch(`${encodeURIComponent(node)}/${edge}?${new URLSearchParams(query).toString()}`, pageToken, { method: "GET" }, timeoutMs);
  const parsed = await readJson(response);
  if (response.ok && parsed && parsed.error === undefined) return graphListPage(parsed);
  throw graphFailure(response, parsed);
}
