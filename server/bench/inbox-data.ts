/**
 * The inbox benchmarks' data (bench:inbox, bench:browser): two PostgreSQL databases of the same shape, built with
 * SQL (generate_series) beside TEST_DATABASE_URL —
 *   1M:  20,000 conversations, one of them with 100,045 messages, the others 45 each (1,000,000 messages);
 *   10k: 200 conversations, one of them with 1,045 messages, the others 45 each (10,000 messages).
 * Throwaway by default; BENCH_KEEP_DB=1 keeps them (switchboard_bench_kept_<size>, what was built written beside
 * them in .data/bench) and reuses them on the next run, migrated to the current schema first.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { configureApp, keptDatabase, throwawayDatabase, vars } from "./harness";

export type Shape = { label: "10k" | "1m"; conversations: number; perConversation: number; longest: number };
export const SHAPES: Record<Shape["label"], Shape> = {
  "10k": { label: "10k", conversations: 200, perConversation: 45, longest: 1_045 },
  "1m": { label: "1m", conversations: 20_000, perConversation: 45, longest: 100_045 },
};

/** The data, in SQL: contacts, conversations (new / in progress / closed, assigned to the two operators), messages. */
export async function buildData(databaseUrl: string, shape: Shape) {
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

export type BenchData = Awaited<ReturnType<typeof buildData>>;

/**
 * The database of one size, built (or, with BENCH_KEEP_DB=1, reused when it was kept before), with the app's
 * configuration for it set first (`configureApp`: its database, port and keys): the configuration is read once per
 * process, and seeding the data reads it too.
 */
export async function benchDatabase(shape: Shape, who: string, port: number) {
  const keep = vars.BENCH_KEEP_DB === "1";
  const saved = path.join(vars.DATA_DIR ?? ".data", "bench", `kept-${shape.label}.json`);
  // A kept database without its record was left half-built: it is built again from nothing.
  const database = keep ? await keptDatabase(shape.label, !existsSync(saved)) : await throwawayDatabase(shape.label);
  await configureApp(database.url, port);
  if (keep && database.existed) {
    const { migrateDatabase } = await import("../../db/migrate");
    await migrateDatabase(database.url);
    const data = JSON.parse(readFileSync(saved, "utf8")) as BenchData;
    console.log(`${who} ${shape.label}: reusing the kept database (${data.messages} messages)`);
    return { database, data };
  }
  console.log(`${who} ${shape.label}: building the data …`);
  const data = await buildData(database.url, shape);
  console.log(`${who} ${shape.label}: ${data.messages} messages in ${data.buildSeconds.toFixed(1)} s`);
  if (keep) {
    mkdirSync(path.dirname(saved), { recursive: true });
    writeFileSync(saved, JSON.stringify(data));
  }
  return { database, data };
}
