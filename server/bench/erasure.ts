/**
 * `npx tsx server/bench/erasure.ts`: how long erasing a contact and a retention pass take at bench:inbox's scale.
 * One throwaway PostgreSQL database built with SQL: 20,000 contacts with a conversation each, 1,000,000 messages
 * (one conversation of 100,045, the others 45 each), and 1,000,000 raw webhook events (50 per chat, half of them
 * processed 40 days ago). Then times the erasure of the contact with the 100,045 messages (runContactErasure) and
 * one retention pass with its production batch size and pause (deleteExpiredRawEvents), and the slowest single
 * retention batch. Asserts nothing, not part of CI; writes .data/bench/erasure.json.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { configureApp, freePort, throwawayDatabase, writeResult } from "./harness";

const CONTACTS = 20_000;
const PER_CONVERSATION = 45;
const LONGEST = 100_045;
const EVENTS_PER_CHAT = 50;

async function main() {
  const database = await throwawayDatabase("erasure");
  await configureApp(database.url, await freePort());
  const { migrateDatabase } = await import("../../db/migrate");
  const { createDatabase } = await import("../../db");
  const { seedCompany } = await import("../../db/seed");
  const { contactErasures } = await import("../../db/schema");
  const { runContactErasure } = await import("../services/contacts/erase-contact");
  const { deleteExpiredRawEvents, RETENTION_BATCH_SIZE } = await import("../services/events/raw-event-retention");
  await migrateDatabase(database.url);
  const { db, client } = createDatabase(database.url, 2);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const co = await seedCompany(db, { slug: "bench", name: "Bench" });
    const channelId = co.telegram.channelId;
    const built = performance.now();
    await sql`
      insert into contacts (company_id, channel_id, external_id, display_name, username, chat_kind)
      select ${co.companyId}, ${channelId}, 'b' || g, 'Contact ' || g, 'user' || g, 'private' from generate_series(1, ${CONTACTS}::int) g`;
    await sql`
      insert into conversations (company_id, channel_id, contact_id, status, last_message_at)
      select ${co.companyId}, ${channelId}, c.id, 'closed', now() from contacts c where c.channel_id = ${channelId} and c.external_id like 'b%'`;
    const indexes = await sql<{ indexname: string; indexdef: string }[]>`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('messages', 'inbound_events') and indexname not like '%_pkey'`;
    for (const ix of indexes) await sql.unsafe(`drop index if exists "${ix.indexname}"`);
    await sql`set session_replication_role = replica`;
    await sql`
      insert into messages (company_id, conversation_id, channel_id, direction, author_kind, text, delivery_status, provider_message_id)
      select ${co.companyId}, v.id, ${channelId}, 'inbound', 'customer', 'hello order delivery ' || i, 'delivered', v.ext || ':' || i
      from (select conv.id, c.external_id as ext, case when c.external_id = 'b1' then ${LONGEST}::int else ${PER_CONVERSATION}::int end as n
              from conversations conv join contacts c on c.id = conv.contact_id where c.channel_id = ${channelId} and c.external_id like 'b%') v
      cross join lateral generate_series(1, v.n) i`;
    await sql`
      insert into inbound_events (provider, company_id, channel_id, dedupe_key, event_type, payload, status, received_at, processed_at, order_key, sequence)
      select 'telegram', ${co.companyId}, ${channelId}, 'bench:' || c.external_id || ':' || i, 'message',
        jsonb_build_object('message', jsonb_build_object('text', 'hello order delivery', 'chat', jsonb_build_object('id', c.external_id))),
        'processed', now() - (case when i % 2 = 0 then 40 else 1 end) * interval '1 day', now() - (case when i % 2 = 0 then 40 else 1 end) * interval '1 day',
        ${channelId}::text || ':' || c.external_id, i
      from contacts c cross join generate_series(1, ${EVENTS_PER_CHAT}::int) i where c.channel_id = ${channelId} and c.external_id like 'b%'`;
    await sql`set session_replication_role = origin`;
    for (const ix of indexes) await sql.unsafe(ix.indexdef);
    await sql`vacuum analyze`;
    const buildSeconds = (performance.now() - built) / 1000;
    const [counts] = await sql<{ messages: number; events: number }[]>`select (select count(*)::int from messages) as messages, (select count(*)::int from inbound_events) as events`;
    const { messages, events } = counts!;

    const [contact] = await sql<{ id: string }[]>`select id from contacts where channel_id = ${channelId} and external_id = 'b1'`;
    const [erasure] = await db.insert(contactErasures).values({ companyId: co.companyId, contactId: contact!.id, requestedBy: co.admin.id }).returning();
    const erasing = performance.now();
    await runContactErasure(erasure!.id, { db });
    const erasureSeconds = (performance.now() - erasing) / 1000;
    const [done] = await sql<{ messages: number; raw_events: number; status: string }[]>`select status, messages, raw_events from contact_erasures where id = ${erasure!.id}`;

    // One retention pass as production runs it; and the slowest batch statement alone (no pause).
    const retaining = performance.now();
    const pass = await deleteExpiredRawEvents(db, { retentionDays: 30, maxPassMs: 10 * 60_000 });
    const retentionSeconds = (performance.now() - retaining) / 1000;
    await sql`update inbound_events set received_at = now() - interval '40 days', processed_at = now() - interval '40 days' where ctid in (select ctid from inbound_events limit ${RETENTION_BATCH_SIZE * 4})`;
    let slowestBatchMs = 0;
    for (let i = 0; i < 4; i++) {
      const began = performance.now();
      await deleteExpiredRawEvents(db, { retentionDays: 30, batchSize: RETENTION_BATCH_SIZE, pauseMs: 0, maxPassMs: 0 });
      slowestBatchMs = Math.max(slowestBatchMs, performance.now() - began);
    }
    const result = {
      cores: os.cpus().length,
      messages,
      events,
      buildSeconds,
      erasure: { seconds: erasureSeconds, messages: done!.messages, rawEvents: done!.raw_events, status: done!.status },
      retention: { seconds: retentionSeconds, deleted: pass.deleted, batches: pass.batches, finished: pass.finished, slowestBatchMs },
      load: os.loadavg()[0],
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult("erasure", result);
  } finally {
    await sql.end({ timeout: 5 });
    await client.end({ timeout: 5 });
    await database.drop();
  }
}

await main();
process.exit(0);
