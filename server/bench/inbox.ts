/**
 * `npm run bench:inbox`: how fast the operator's inbox answers at a million messages, and how that grows from
 * ten thousand. Two throwaway PostgreSQL databases of the same shape, built with SQL (generate_series):
 *   1M:  20,000 conversations, one of them with 100,045 messages, the others 45 each (1,000,000 messages);
 *   10k: 200 conversations, one of them with 1,045 messages, the others 45 each (10,000 messages).
 * For each, the production build is started (`next start` through the launcher's stack), an operator signs in
 * like a browser (next-auth CSRF token + credentials callback), and p50 / p95 of tRPC over HTTP are measured,
 * one request at a time: `inbox.list` on each tab, with a filter and with searches, the tabs' counts
 * (`inbox.counts`, plain and with a search), and `inbox.thread`'s first page of the longest conversation (its size
 * in bytes too). Prints the figures with the core count and writes them to .data/bench/inbox.json. Targets:
 * p95 ≤ 50 ms at 1M, p95(1M) / p95(10k) ≤ 1.3, a bounded thread page.
 * Asserts nothing (figures, never timed tests) and is not part of CI. Loopback only, bounded in count.
 *
 * Each size runs in a child process of its own (the app's configuration is read once per process).
 * BENCH_ROUNDS (default 60) sets the measured requests per query.
 */
import { fork } from "node:child_process";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { configureApp, ensureBuild, freePort, percentile, signIn, startApp, throwawayDatabase, trpcQuery, vars, writeResult } from "./harness";

type Shape = { label: "10k" | "1m"; conversations: number; perConversation: number; longest: number };
const SHAPES: Record<Shape["label"], Shape> = {
  "10k": { label: "10k", conversations: 200, perConversation: 45, longest: 1_045 },
  "1m": { label: "1m", conversations: 20_000, perConversation: 45, longest: 100_045 },
};
const ROUNDS = Math.min(Number(vars.BENCH_ROUNDS ?? 60), 500);
const WARMUP = 10;

type Measured = { name: string; p50: number; p95: number; bytes: number; rows: number };
type SizeResult = { label: string; messages: number; conversations: number; buildSeconds: number; queries: Measured[] };

/** The data, in SQL: contacts, conversations (new / in progress / closed, assigned to the two operators), messages. */
async function buildData(databaseUrl: string, shape: Shape) {
  const { default: postgres } = await import("postgres");
  const { migrateDatabase } = await import("../../db/migrate");
  const { createDatabase } = await import("../../db");
  const { seedCompany } = await import("../../db/seed");
  await migrateDatabase(databaseUrl);
  const { db, client } = createDatabase(databaseUrl, 1);
  const co = await seedCompany(db, { slug: "bench", name: "Bench" });
  await client.end({ timeout: 5 });

  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const started = performance.now();
  try {
    const [team] = await sql<{ id: string }[]>`select id from teams where company_id = ${co.companyId} limit 1`;
    const [op1, op2] = co.operators.map((o) => o.id);
    const [sales, support] = co.lineIds;
    const channelId = co.telegram.channelId;
    const n = shape.conversations;
    await sql`
      insert into contacts (company_id, channel_id, external_id, display_name, username, chat_kind)
      select ${co.companyId}, ${channelId}, 'bench:' || g,
        (array['Anna','Oleh','Maria','Ivan','Olena','Petro','Sofia','Taras'])[1 + g % 8] || ' ' ||
        (array['Kovalenko','Shevchenko','Bondarenko','Tkachenko','Melnyk','Kravets'])[1 + (g / 8) % 6] || ' ' || g,
        'user' || g, 'private'
      from generate_series(1, ${n}::int) g`;
    // Conversation 1 is the longest and the most recent; one in ten waits in New, three in ten are in progress.
    await sql`
      insert into conversations (company_id, line_id, channel_id, contact_id, status, assignee_id, team_id, last_message_at, last_inbound_at, assigned_at, created_at, closed_at)
      select ${co.companyId}, case when x.g % 2 = 0 then ${sales!}::uuid else ${support!}::uuid end, ${channelId}, c.id, x.status::conversation_status,
        case when x.status = 'in_progress' then (case when x.g % 2 = 0 then ${op1!}::uuid else ${op2!}::uuid end) end,
        ${team!.id}, x.at, x.at, case when x.status = 'in_progress' then x.at end, x.at - interval '3 days',
        case when x.status = 'closed' then x.at end
      from contacts c
      cross join lateral (select substring(c.external_id from 7)::int as g) gg
      cross join lateral (
        select gg.g as g, now() - gg.g * interval '1 minute' as at,
          case when gg.g = 1 then 'in_progress' when gg.g % 10 = 0 then 'new' when gg.g % 10 < 4 then 'in_progress' else 'closed' end as status
      ) x
      where c.channel_id = ${channelId} and c.external_id like 'bench:%'`;

    // Bulk load without the message indexes and foreign-key triggers, then the same indexes built once.
    const indexes = await sql<{ indexname: string; indexdef: string }[]>`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'messages' and indexname <> 'messages_pkey'`;
    for (const ix of indexes) await sql.unsafe(`drop index if exists "${ix.indexname}"`);
    await sql`set session_replication_role = replica`;
    const words = [
      "hello", "order", "delivery", "payment", "thanks", "please", "tomorrow", "address", "status", "question",
      "card", "price", "size", "color", "return", "today", "help", "courier", "parcel", "number",
      "здравствуйте", "заказ", "доставка", "оплата", "спасибо", "адрес", "вопрос", "сегодня", "курьер", "посылка",
      "вітаю", "замовлення", "доставка", "оплата", "дякую", "адреса", "питання", "сьогодні", "кур'єр", "посилка",
    ];
    await sql`
      insert into messages (company_id, conversation_id, channel_id, direction, author_kind, text, delivery_status, created_at, sent_at, sort_key, provider_message_id)
      select ${co.companyId}, v.id, ${channelId},
        (case when i % 2 = 1 then 'inbound' else 'outbound' end)::message_direction,
        (case when i % 2 = 1 then 'customer' else 'operator' end)::author_kind,
        w.words[1 + (i * 7 + v.g) % 40] || ' ' || w.words[1 + (i * 13 + v.g * 3) % 40] || ' ' || w.words[1 + (i * 29 + v.g * 5) % 40]
          || case when (i * 31 + v.g) % 200 = 0 then ' refund' else '' end,
        (case when i % 2 = 1 then 'delivered' else 'read' end)::delivery_status,
        t.at, case when i % 2 = 0 then t.at end,
        floor(extract(epoch from t.at) * 1000000)::numeric(40, 0) * 1000000000000,
        case when i % 2 = 1 then v.g || ':' || i end
      from (
        select conv.id, conv.last_message_at, gg.g, case when gg.g = 1 then ${shape.longest}::int else ${shape.perConversation}::int end as n
        from conversations conv
        join contacts c on c.id = conv.contact_id
        cross join lateral (select substring(c.external_id from 7)::int as g) gg
        where conv.channel_id = ${channelId} and c.external_id like 'bench:%'
      ) v
      cross join (select ${words}::text[] as words) w
      cross join lateral generate_series(1, v.n) i
      cross join lateral (select v.last_message_at - (v.n - i) * interval '1 second' as at) t`;
    await sql`set session_replication_role = origin`;
    for (const ix of indexes) await sql.unsafe(ix.indexdef);
    // The triggers were off for the bulk load: the conversations' search terms take their messages' words as
    // migration 0008 fills them, and the count changes are folded as the worker does every few seconds.
    await sql`
      update conversation_terms t set terms = switchboard_add_terms(t.terms, w.terms)
      from (
        select m.conversation_id, array_to_tsvector(array_agg(distinct word)) as terms
        from messages m, unnest(tsvector_to_array(to_tsvector('simple'::regconfig, m.text))) as word
        where m.company_id = ${co.companyId} group by m.conversation_id
      ) w
      where t.conversation_id = w.conversation_id`;
    await sql`select switchboard_fold_inbox_counts()`;
    await sql.unsafe("vacuum (analyze) messages, conversations, contacts, conversation_terms, inbox_counts");
    const [counted] = await sql<{ count: number }[]>`select count(*)::int as count from messages`;
    const count = counted!.count;
    const [longest] = await sql<{ id: string }[]>`select conv.id from conversations conv join contacts c on c.id = conv.contact_id where c.external_id = 'bench:1' and c.channel_id = ${channelId}`;
    return { co, messages: count, longestId: longest!.id, salesLineId: sales!, op1: op1!, buildSeconds: (performance.now() - started) / 1000 };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function runSize(shape: Shape): Promise<SizeResult> {
  const database = await throwawayDatabase(shape.label);
  const stops: (() => Promise<void>)[] = [];
  try {
    const port = await freePort();
    await configureApp(database.url, port);
    console.log(`bench:inbox ${shape.label}: building the data …`);
    const data = await buildData(database.url, shape);
    console.log(`bench:inbox ${shape.label}: ${data.messages} messages in ${data.buildSeconds.toFixed(1)} s; starting the production build …`);
    const app = await startApp(port);
    stops.push(app.stop);
    const cookie = await signIn(app.url, data.co.operators[0]!.email, "switchboard");

    const queries: { name: string; procedure: string; input?: unknown }[] = [
      { name: "list open (no input)", procedure: "inbox.list" },
      { name: "list new", procedure: "inbox.list", input: { tab: "new" } },
      { name: "list in progress", procedure: "inbox.list", input: { tab: "in_progress" } },
      { name: "list closed", procedure: "inbox.list", input: { tab: "closed" } },
      { name: "list mine", procedure: "inbox.list", input: { tab: "mine" } },
      // Sales holds the even conversations, and the first operator (the one signed in) is assigned the even ones.
      { name: "list filter line+assignee", procedure: "inbox.list", input: { tab: "open", lineId: data.salesLineId, assigneeId: data.op1 } },
      { name: "list search word", procedure: "inbox.list", input: { tab: "open", q: "refund" } },
      { name: "list search name", procedure: "inbox.list", input: { tab: "closed", q: "shevchenko" } },
      { name: "list search inflected ru", procedure: "inbox.list", input: { tab: "open", q: "заказа" } },
      { name: "list search handle", procedure: "inbox.list", input: { tab: "open", q: "@user12" } },
      { name: "counts (no input)", procedure: "inbox.counts" },
      { name: "counts search word", procedure: "inbox.counts", input: { q: "refund" } },
      { name: "thread first page (longest)", procedure: "inbox.thread", input: { conversationId: data.longestId } },
    ];
    const samples = queries.map(() => [] as number[]);
    const sizes = queries.map(() => ({ bytes: 0, rows: 0 }));
    for (let w = 0; w < WARMUP; w++) for (const q of queries) await trpcQuery(app.url, cookie, q.procedure, q.input);
    // Round robin, one request at a time: noise from the shared machine spreads over every query alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, q] of queries.entries()) {
        const t0 = performance.now();
        const { data: answer, bytes } = await trpcQuery<unknown[] | { messages?: unknown[] }>(app.url, cookie, q.procedure, q.input);
        samples[i]!.push(performance.now() - t0);
        sizes[i] = { bytes, rows: Array.isArray(answer) ? answer.length : (answer.messages?.length ?? 1) };
      }
    }
    return {
      label: shape.label,
      messages: data.messages,
      conversations: shape.conversations,
      buildSeconds: data.buildSeconds,
      queries: queries.map((q, i) => {
        const sorted = samples[i]!.sort((a, b) => a - b);
        return { name: q.name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), ...sizes[i]! };
      }),
    };
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await database.drop();
  }
}

function runChild(label: Shape["label"]): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, [], { execArgv: ["--import", "tsx"], env: { ...vars, BENCH_INBOX_SIZE: label }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: SizeResult | undefined;
    child.on("message", (m: SizeResult) => (result = m));
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`bench:inbox ${label} exited with ${code}`))));
  });
}

async function main() {
  const size = vars.BENCH_INBOX_SIZE as Shape["label"] | undefined;
  if (size) {
    const result = await runSize(SHAPES[size]);
    await new Promise<void>((resolve) => (process.send ? process.send(result, () => resolve()) : resolve()));
    return;
  }
  vars.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0001";
  vars.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  ensureBuild();
  const small = await runChild("10k");
  const large = await runChild("1m");

  const rows = large.queries.map((q, i) => {
    const s = small.queries[i]!;
    return { name: q.name, p50_10k: s.p50, p95_10k: s.p95, p50_1m: q.p50, p95_1m: q.p95, ratio: q.p95 / s.p95, bytes_1m: q.bytes, rows_1m: q.rows };
  });
  const result = {
    cores: os.cpus().length,
    rounds: ROUNDS,
    sizes: { "10k": { messages: small.messages, conversations: small.conversations, builtInSeconds: small.buildSeconds }, "1m": { messages: large.messages, conversations: large.conversations, builtInSeconds: large.buildSeconds } },
    queries: rows,
    worst: { p95_1m: Math.max(...rows.map((r) => r.p95_1m)), ratio: Math.max(...rows.map((r) => r.ratio)) },
    measuredAt: new Date().toISOString(),
  };
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    [
      `cores ${result.cores} · ${ROUNDS} requests per query, one at a time · 10k: ${small.messages} messages / ${small.conversations} conversations · 1M: ${large.messages} messages / ${large.conversations} conversations (built in ${f(large.buildSeconds)} s)`,
      `${"query".padEnd(30)} ${"p50 10k".padStart(8)} ${"p95 10k".padStart(8)} ${"p50 1M".padStart(8)} ${"p95 1M".padStart(8)} ${"ratio".padStart(6)} ${"bytes 1M".padStart(9)}`,
      ...rows.map((r) => `${r.name.padEnd(30)} ${f(r.p50_10k).padStart(8)} ${f(r.p95_10k).padStart(8)} ${f(r.p50_1m).padStart(8)} ${f(r.p95_1m).padStart(8)} ${f(r.ratio, 2).padStart(6)} ${String(r.bytes_1m).padStart(9)}`),
      `worst p95 at 1M ${f(result.worst.p95_1m)} ms (target ≤ 50) · worst p95(1M)/p95(10k) ${f(result.worst.ratio, 2)} (target ≤ 1.3) · times in ms`,
    ].join("\n"),
  );
  writeResult("inbox", result);
}

await main();
process.exit(0);
