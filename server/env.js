// @ts-check
/**
 * The only reader of process.env. Plain JavaScript so that next.config.mjs can import it and a bad
 * configuration fails at start. Everything configurable is declared, validated and documented here;
 * README.md's configuration table mirrors this file.
 *
 * Production (NODE_ENV=production) refuses to start without real secrets. Development and tests get
 * fixed, clearly-named development values so that a fresh clone starts with nothing configured.
 */
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** @param {string} fallback */
const url = (fallback) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v.replace(/\/+$/, "")))
    .pipe(z.url());

/** @param {number} fallback */
const int = (fallback, min = 0) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : Number(v)))
    .pipe(z.number().int().min(min));

/** @param {string} fallback */
const hostList = (fallback) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) =>
      (v === undefined || v === "" ? fallback : v)
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    );

/** @param {boolean} fallback */
const bool = (fallback) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : ["1", "true", "yes", "on"].includes(v.toLowerCase())));

/** The shortest retention of raw webhook events: above every provider's redelivery window, with a margin. */
export const MIN_RAW_EVENT_RETENTION_DAYS = 3;

const DEV_AUTH_SECRET = "switchboard-development-secret-not-for-production";
// 32 bytes, base64. Development only: production must set ENCRYPTION_KEY.
const DEV_ENCRYPTION_KEY = "c3dpdGNoYm9hcmQtZGV2LWVuY3J5cHRpb24ta2V5ISE=";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    APP_URL: url("http://localhost:3000"),
    DATA_DIR: z.string().trim().default(".data"),

    DATABASE_URL: optionalString.pipe(z.url().optional()),
    DATABASE_POOL_MAX: int(10, 1),
    // How long opening a connection may take before the request is answered "unavailable" (a server that drops
    // packets rather than refusing). A stopped server refuses at once and is retried every 0.25–0.5 s.
    DATABASE_CONNECT_TIMEOUT_SECONDS: int(2, 1),

    NEXTAUTH_SECRET: optionalString,
    ENCRYPTION_KEY: optionalString,

    PUSHER_APP_ID: optionalString,
    PUSHER_KEY: optionalString,
    PUSHER_SECRET: optionalString,
    PUSHER_CLUSTER: z.string().trim().default("mt1"),
    PUSHER_HOST: optionalString,
    PUSHER_PORT: optionalString.transform((v) => (v === undefined ? undefined : Number(v))).pipe(z.number().int().positive().optional()),
    PUSHER_USE_TLS: bool(true),
    EMBEDDED_PUSHER_PORT: int(6001),
    // `npm run realtime` (one shared Pusher-protocol server for every instance): where it listens. Instances reach
    // it through PUSHER_HOST/PUSHER_PORT, with the same PUSHER_APP_ID/KEY/SECRET.
    REALTIME_HOST: z.string().trim().default("0.0.0.0"),
    REALTIME_PORT: int(6001),
    // Where browsers reach the embedded realtime server, when not at APP_URL's host on EMBEDDED_PUSHER_PORT — e.g.
    // wss://realtime.example.com behind the same TLS front as the app. With an https APP_URL it must be wss.
    EMBEDDED_PUSHER_PUBLIC_URL: optionalString.pipe(z.url().optional()),

    RESEND_API_KEY: optionalString,
    // The Resend SDK's own variable; read here and handed to the SDK so that this file stays the only reader.
    RESEND_BASE_URL: optionalString.pipe(z.url().optional()).transform((v) => v?.replace(/\/+$/, "")),
    EMAIL_FROM: z.string().trim().default("Switchboard <alerts@switchboard.local>"),

    TELEGRAM_API_BASE_URL: url("https://api.telegram.org"),
    META_GRAPH_API_BASE_URL: url("https://graph.facebook.com"),
    META_GRAPH_API_VERSION: z.string().trim().default("v23.0"),
    META_OAUTH_DIALOG_URL: url("https://www.facebook.com"),
    META_APP_ID: optionalString,
    META_APP_SECRET: optionalString,
    META_VERIFY_TOKEN: optionalString,
    // Facebook Login for Business: the login configuration's id, sent instead of `scope` when set.
    META_LOGIN_CONFIG_ID: optionalString,
    // Attachments are downloaded only from these hosts (and their subdomains): the providers' CDNs.
    META_MEDIA_HOSTS: hostList("fbcdn.net,fbsbx.com,cdninstagram.com"),
    VK_MEDIA_HOSTS: hostList("userapi.com,vk.com,vk.me,vkuser.net"),
    VK_API_BASE_URL: url("https://api.vk.com"),
    VK_API_VERSION: z.string().trim().default("5.199"),
    // The deadline of each call that sends a reply (Telegram, Graph, VK) or an email (Resend), answer included. A
    // provider that hangs costs its own reply this long and nobody else's; uploads with files get 120 s.
    SEND_TIMEOUT_MS: int(15_000, 100),

    // Local sandbox (npm run dev): loopback provider fakes instead of the real APIs, and a page to write as a customer.
    SANDBOX: z.enum(["auto", "on", "off"]).default("auto"),
    /** Set by the dev launcher when the sandbox runs: where the Telegram fake listens. */
    SANDBOX_TELEGRAM_URL: optionalString,
    /** Set by the dev launcher when the Meta sandbox runs (no Meta app configured): where the Graph API fake listens. */
    SANDBOX_META_URL: optionalString,
    /** Set by the dev launcher when the VK sandbox runs (no VK_API_BASE_URL configured): where the VK API fake listens. */
    SANDBOX_VK_URL: optionalString,
    TELEGRAM_BOTS_PER_COMPANY: int(5, 1),
    // Parallel webhook deliveries Telegram may open per bot (setWebhook max_connections, 1–100). Updates of one
    // chat arrive in order whatever the value; a low one spares the database, Telegram's default is 40.
    TELEGRAM_WEBHOOK_MAX_CONNECTIONS: int(20, 1).pipe(z.number().max(100)),
    WEBHOOK_MAX_BODY_BYTES: int(1024 * 1024, 1024),
    JOBS_ENABLED: bool(true),
    // Where stored webhook events become messages: "app" (in the web server's process) or "process" (a worker
    // process of its own, woken by LISTEN/NOTIFY; the launcher chooses it on PostgreSQL, so acknowledgements never
    // share an event loop with processing). The embedded PGlite serves one connection, hence "app" there.
    INGEST_WORKER: z.enum(["app", "process"]).default("app"),
    // How often each channel's connection is checked (getMe + getWebhookInfo, groups.getById + callback
    // servers): a silent loss is noticed within about two intervals. Jittered by ±20%.
    CHANNEL_PROBE_INTERVAL_SECONDS: int(180, 5),
    // How long a processed (or ignored) webhook event's raw body — customers' words and names — is kept before a
    // periodic pass deletes it. Its dedupe key goes with it, so the floor stays well above the longest provider
    // redelivery (Meta ~36 h, Telegram 24 h). Failed events (dead letters) are kept until handled.
    RAW_EVENT_RETENTION_DAYS: int(30).pipe(
      z
        .number()
        .min(MIN_RAW_EVENT_RETENTION_DAYS, `must be at least ${MIN_RAW_EVENT_RETENTION_DAYS} days: providers redeliver a webhook for up to 36 hours, and the stored event is what stops the duplicate`)
        .max(3650, "must be at most 3650 days"),
    ),
    // Object storage for attachments (AWS S3, MinIO, Cloudflare R2…): with S3_BUCKET set, new files go there and are
    // streamed from there; without it their bytes stay in PostgreSQL (stored_files.data). `npm run files:move`
    // moves existing ones. Credentials: both keys, or neither (the AWS SDK's own chain: instance role, profile…).
    S3_BUCKET: optionalString,
    S3_REGION: z.string().trim().default("us-east-1"),
    S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, error: "S3_ENDPOINT must be an http(s) URL, e.g. http://minio:9000" }).optional()),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    // Bucket in the path (http://host/bucket/key) rather than the host name: MinIO and most self-hosted servers.
    S3_FORCE_PATH_STYLE: bool(false),
    // Deadline of each object storage call without a body to stream, and the longest a streamed transfer may stall.
    S3_TIMEOUT_MS: int(30_000, 100),
    // GET /api/metrics (Prometheus): the bearer token a scraper sends. Unset: 404 in production, open in development.
    METRICS_TOKEN: optionalString,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

    // Sessions: ended by sign-out, a password change or a deactivation at once; also after this long without a
    // request (idle) and this long after sign-in whatever the activity (absolute). OWASP ASVS level 2.
    SESSION_IDLE_MINUTES: int(120, 5),
    SESSION_MAX_HOURS: int(12, 1),
    // Sign-in throttling, counted in the database so every app instance shares it: wrong passwords per account
    // (known or not: the answer never tells) and per client address within the window, then a wait of the window.
    SIGN_IN_ACCOUNT_FAILURES: int(5, 1),
    SIGN_IN_CLIENT_FAILURES: int(20, 1),
    SIGN_IN_WINDOW_MINUTES: int(15, 1),
    // How many reverse proxies of yours stand in front of the app: the client address is then read from that far
    // back in X-Forwarded-For. 0 (no proxy): the socket's address; X-Forwarded-For is ignored, as anyone can send it.
    TRUSTED_PROXY_HOPS: int(0, 0),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.SANDBOX_TELEGRAM_URL) ctx.addIssue({ code: "custom", path: ["SANDBOX_TELEGRAM_URL"], message: "the sandbox is for development only" });
    if (env.SANDBOX_META_URL) ctx.addIssue({ code: "custom", path: ["SANDBOX_META_URL"], message: "the sandbox is for development only" });
    if (env.SANDBOX_VK_URL) ctx.addIssue({ code: "custom", path: ["SANDBOX_VK_URL"], message: "the sandbox is for development only" });
    const required = /** @type {const} */ (["NEXTAUTH_SECRET", "ENCRYPTION_KEY"]);
    for (const name of required) {
      if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: `${name} is required in production` });
    }
    // The development value is in the source: sessions (and the embedded realtime secret derived from it) would be forgeable.
    if (env.NEXTAUTH_SECRET === DEV_AUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["NEXTAUTH_SECRET"], message: "NEXTAUTH_SECRET must not be the development value in production" });
    }
    if (env.METRICS_TOKEN && env.METRICS_TOKEN.length < 16) {
      ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "METRICS_TOKEN must be at least 16 characters (openssl rand -hex 24)" });
    }
    if (env.NEXTAUTH_SECRET && env.NEXTAUTH_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["NEXTAUTH_SECRET"], message: "NEXTAUTH_SECRET must be at least 32 characters" });
    }
  })
  .superRefine((env, ctx) => {
    if (env.ENCRYPTION_KEY && Buffer.from(env.ENCRYPTION_KEY, "base64").length !== 32) {
      ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEY"], message: "ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)" });
    }
    if (env.EMBEDDED_PUSHER_PUBLIC_URL && !/^wss?:\/\//.test(env.EMBEDDED_PUSHER_PUBLIC_URL)) {
      ctx.addIssue({ code: "custom", path: ["EMBEDDED_PUSHER_PUBLIC_URL"], message: "EMBEDDED_PUSHER_PUBLIC_URL must be a ws:// or wss:// address" });
    }
    if (env.APP_URL.startsWith("https:") && env.EMBEDDED_PUSHER_PUBLIC_URL?.startsWith("ws:")) {
      ctx.addIssue({ code: "custom", path: ["EMBEDDED_PUSHER_PUBLIC_URL"], message: "with an https APP_URL the realtime socket must be wss:// (browsers block ws:// from https pages)" });
    }
    if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: "custom", path: ["S3_ACCESS_KEY_ID"], message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together" });
    }
    if (!env.S3_BUCKET && (env.S3_ENDPOINT || env.S3_ACCESS_KEY_ID)) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "S3_BUCKET is required when S3_ENDPOINT or S3 keys are set (without it files stay in the database)" });
    }
    const pusher = [env.PUSHER_APP_ID, env.PUSHER_KEY, env.PUSHER_SECRET];
    if (pusher.some(Boolean) && !pusher.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["PUSHER_APP_ID"], message: "PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET must be set together" });
    }
  });

/**
 * @typedef {z.infer<typeof schema> & {
 *   authSecret: string;
 *   encryptionKey: Buffer;
 *   pusherConfigured: boolean;
 * }} Env  pusherConfigured: Pusher is configured from outside; otherwise the embedded server is used.
 */

export class EnvError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "EnvError";
  }
}

/**
 * @param {Record<string, string | undefined>} source
 * @returns {Env}
 */
export function parseEnv(source) {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  return {
    ...env,
    authSecret: env.NEXTAUTH_SECRET ?? DEV_AUTH_SECRET,
    encryptionKey: Buffer.from(env.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY, "base64"),
    pusherConfigured: Boolean(env.PUSHER_APP_ID),
  };
}

/** @type {Env | undefined} */
let cached;

/** Validated configuration, read once. Throws EnvError naming every bad variable. */
/** @returns {Env} */
export function env() {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * The raw environment, for handing to child processes (the launcher) and for Next's own runtime flag.
 * @returns {NodeJS.ProcessEnv}
 */
export function processEnvironment() {
  return process.env;
}
