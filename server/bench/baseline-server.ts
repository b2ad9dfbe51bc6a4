/**
 * The bare-stack baseline for `npm run bench:ingest`: node:http + postgres.js doing the whole durable ingest
 * of a Telegram update per request — raw event + contact + conversation + message in one transaction — with no
 * framework, no verification and no worker. What the product's path is measured against. Loopback only.
 */
import { createServer } from "node:http";
import postgres from "postgres";
import { processEnvironment } from "../env.js";

const vars = processEnvironment();
const url = vars.BASELINE_DATABASE_URL;
const port = Number(vars.BASELINE_PORT ?? 0);
const companyId = vars.BASELINE_COMPANY_ID;
const channelId = vars.BASELINE_CHANNEL_ID;
if (!url || !companyId || !channelId) throw new Error("BASELINE_DATABASE_URL, BASELINE_COMPANY_ID and BASELINE_CHANNEL_ID are required");
const sql = postgres(url, { max: 10, onnotice: () => {} });

type Update = { update_id: number; message: { message_id: number; date: number; chat: { id: number; first_name?: string }; text?: string } };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    void (async () => {
      try {
        const raw = Buffer.concat(chunks);
        const u = JSON.parse(raw.toString("utf8")) as Update;
        const chat = String(u.message.chat.id);
        await sql.begin(async (tx) => {
          await tx`insert into inbound_events (provider, company_id, channel_id, dedupe_key, event_type, payload, status, processed_at)
            values ('telegram', ${companyId}, ${channelId}, ${`baseline:${u.update_id}`}, 'message', ${tx.json(u as never)}, 'processed', now())
            on conflict do nothing`;
          const [contact] = await tx<{ id: string }[]>`insert into contacts (company_id, channel_id, external_id, display_name)
            values (${companyId}, ${channelId}, ${chat}, ${u.message.chat.first_name ?? chat})
            on conflict (channel_id, external_id) where ended_at is null do update set updated_at = now() returning id`;
          let [conversation] = await tx<{ id: string }[]>`select id from conversations where contact_id = ${contact!.id} and status <> 'closed'`;
          if (!conversation) {
            [conversation] = await tx<{ id: string }[]>`insert into conversations (company_id, channel_id, contact_id) values (${companyId}, ${channelId}, ${contact!.id}) returning id`;
          }
          await tx`insert into messages (company_id, conversation_id, channel_id, direction, author_kind, text, provider_message_id, delivery_status)
            values (${companyId}, ${conversation!.id}, ${channelId}, 'inbound', 'customer', ${u.message.text ?? ""}, ${`${chat}:${u.message.message_id}`}, 'delivered')
            on conflict do nothing`;
        });
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      } catch {
        res.writeHead(503).end();
      }
    })();
  });
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : port });
});
process.on("SIGTERM", () => {
  server.close();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
});
