import { createHash, randomBytes, randomInt } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "./index";
import { channelHistory, channels, companies, contacts, conversations, lines, messages, savedReplies, teamMembers, teams, users, channelIncidents } from "./schema";
import { hashPassword } from "../server/identity/password";
import { seal } from "../server/crypto/secret-box";
import { env } from "../server/env.js";

export const DEMO_PASSWORD = "switchboard";

export type SeededCompany = {
  companyId: string;
  admin: { id: string; email: string };
  operators: { id: string; email: string }[];
  lineIds: string[];
  telegram: { channelId: string; botToken: string; webhookSecret: string; botId: string };
};

/**
 * A company with an admin, two operators, a team, two lines, a channel in each state — a working Telegram
 * bot, a bot whose token was revoked, an Instagram account after a password change, a stopped VK community,
 * a Messenger Page whose threads a bot owns — and conversations whose times agree with all of that.
 * `slug` keeps emails unique so tests can seed as many as they need. The Messenger Page is shown Active only
 * when a Meta app is configured (`metaAppConfigured`, from META_APP_ID and META_APP_SECRET by default):
 * without one it cannot work on this machine, and says so. `demoStates` (the dev demo) adds the states a person
 * should be able to see without making them: a VK conversation, a Messenger thread past the 24-hour reply window
 * and a banned contact.
 */
export async function seedCompany(
  db: Database,
  opts: { slug: string; name: string; password?: string; botToken?: string; webhookSecret?: string; metaAppConfigured?: boolean; demoStates?: boolean },
): Promise<SeededCompany> {
  // The dev sandbox's Meta fake counts as a configured app: the demo's Messenger Page works against it.
  const metaAppConfigured = opts.metaAppConfigured ?? Boolean((env().META_APP_ID && env().META_APP_SECRET) || env().SANDBOX_META_URL);
  const passwordHash = await hashPassword(opts.password ?? DEMO_PASSWORD);
  const email = (who: string) => `${who}@${opts.slug}.switchboard.test`;
  // Each company's bot has its own id, as real bots do (the sandbox's Telegram fake tells bots apart by it).
  const botToken = opts.botToken ?? `${7_000_000_000 + randomInt(1, 999_999_999)}:${randomBytes(16).toString("hex")}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString("base64url");
  const botId = botToken.split(":")[0]!;
  // A VK community id is a number (VK's API and the sandbox's fake check it): one of its own per company.
  const vkCommunity = String(220_000_000 + (createHash("sha256").update(opts.slug).digest().readUInt32BE(0) % 9_000_000));

  return db.transaction(async (tx) => {
    const [company] = await tx.insert(companies).values({ name: opts.name, registrationEmail: email("owner") }).returning();
    const companyId = company!.id;
    const [admin, op1, op2] = await tx
      .insert(users)
      .values([
        // Seen now, as if signed in: routing takes them until the availability sweep finds their tabs quiet.
        { companyId, email: email("admin"), name: "Alex Admin", passwordHash, role: "admin", lastSeenAt: new Date() },
        { companyId, email: email("operator"), name: "Olena Operator", passwordHash, role: "operator", lastSeenAt: new Date() },
        { companyId, email: email("operator2"), name: "Oleg Operator", passwordHash, role: "operator", lastSeenAt: new Date() },
      ])
      .returning();
    const [team] = await tx.insert(teams).values({ companyId, name: "Support" }).returning();
    await tx.insert(teamMembers).values([
      { teamId: team!.id, userId: op1!.id },
      { teamId: team!.id, userId: op2!.id },
    ]);
    const [sales, support] = await tx
      .insert(lines)
      .values([
        { companyId, name: "Sales", defaultTeamId: team!.id },
        { companyId, name: "Support", defaultTeamId: team!.id },
      ])
      .returning();

    const sealed = (v: unknown) => seal(v);
    const ext = (base: string) => `${base}-${opts.slug}`;
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000);
    const DAY = 24 * 60;
    const lostAt = ago(3 * 60); // the revoked bot and the Instagram password change, three hours ago
    const [tg, helpBot, fb, ig, vk] = await tx
      .insert(channels)
      .values([
        {
          companyId,
          lineId: sales!.id,
          provider: "telegram",
          name: "AcmeSupportBot",
          externalId: ext(botId),
          credentials: sealed({ botToken, webhookSecret }),
          settings: { username: "AcmeSupportBot", botName: "AcmeSupportBot" },
          connectedAt: ago(30 * DAY),
          statusSince: ago(30 * DAY),
          lastWebhookAt: ago(5),
        },
        {
          companyId,
          lineId: support!.id,
          provider: "telegram",
          name: "AcmeHelpBot",
          externalId: ext("7000000002"),
          status: "disconnected",
          statusReason: "token_revoked",
          providerError: { httpStatus: 401, code: 401, description: "Unauthorized" },
          statusSince: lostAt,
          connectedAt: ago(20 * DAY),
          lastWebhookAt: ago(3 * 60 + 25),
          lastSendAt: ago(3 * 60 + 20),
          credentials: sealed({ botToken: "7000000002:revoked", webhookSecret: randomBytes(24).toString("base64url") }),
          settings: { username: "AcmeHelpBot", botName: "AcmeHelpBot" },
        },
        {
          companyId,
          lineId: sales!.id,
          provider: "messenger",
          name: "Acme Store",
          externalId: ext("104000000000001"),
          credentials: sealed({ pageToken: "demo" }),
          settings: { username: "Acme Store" },
          connectedAt: ago(60 * DAY),
          ...(metaAppConfigured
            ? { statusSince: ago(60 * DAY) }
            : { status: "stopped" as const, statusReason: "meta_app_not_configured", statusSince: ago(60 * DAY) }),
          lastWebhookAt: ago(12),
        },
        {
          companyId,
          lineId: support!.id,
          provider: "instagram",
          name: "@acme.store",
          externalId: ext("17841400000000001"),
          status: "disconnected",
          statusReason: "password_changed",
          providerError: { code: 190, subcode: 460, description: "Error validating access token: The session has been invalidated because the user changed their password" },
          statusSince: lostAt,
          connectedAt: ago(45 * DAY),
          lastWebhookAt: ago(4 * 60 - 8),
          lastSendAt: ago(4 * 60 - 5),
          credentials: sealed({ pageToken: "demo" }),
          settings: { username: "acme.store" },
        },
        {
          companyId,
          lineId: support!.id,
          provider: "vk",
          name: "Acme VK",
          externalId: vkCommunity,
          status: "stopped",
          statusReason: "stopped_by_admin",
          statusSince: ago(2 * DAY),
          connectedAt: ago(40 * DAY),
          lastWebhookAt: ago(2 * DAY + 30),
          credentials: sealed({ accessToken: `vk1.a.demo${randomBytes(18).toString("base64url")}`, secret: "demo" }),
          settings: { username: "acme_vk", vkConfirmationCode: "a1b2c3d4", vkConfirmedAt: ago(40 * DAY).toISOString() },
        },
      ])
      .returning();
    const disconnected = await tx.select().from(channels).where(and(eq(channels.companyId, companyId), eq(channels.status, "disconnected")));
    for (const c of disconnected) {
      await tx.insert(channelIncidents).values({ companyId, channelId: c.id, reasonCode: c.statusReason ?? "unknown", providerError: c.providerError, openedAt: lostAt, lastErrorAt: lostAt });
    }
    // Each channel's history agrees with its dates: who connected it, and what happened since.
    const history: (typeof channelHistory.$inferInsert)[] = [];
    const lineName = new Map([
      [sales!.id, sales!.name],
      [support!.id, support!.name],
    ]);
    for (const c of [tg!, helpBot!, fb!, ig!, vk!]) {
      history.push({ companyId, channelId: c.id, actorUserId: admin!.id, action: "connected", detail: { line: lineName.get(c.lineId ?? "") ?? null }, createdAt: c.connectedAt });
      if (c.status === "disconnected") history.push({ companyId, channelId: c.id, action: "status_changed", detail: { status: "disconnected", reason: c.statusReason }, createdAt: c.statusSince });
      if (c.status === "stopped") {
        history.push({ companyId, channelId: c.id, actorUserId: c.statusReason === "stopped_by_admin" ? admin!.id : null, action: "stopped", detail: { reason: c.statusReason }, createdAt: c.statusSince });
      }
    }
    await tx.insert(channelHistory).values(history);

    type Line = { text: string; direction: "inbound" | "outbound"; minutesAgo: number; bot?: string };
    const convo = async (
      channelId: string,
      lineId: string,
      externalId: string,
      name: string,
      lines_: Line[],
      status: "new" | "in_progress" | "closed",
      assigneeId?: string,
      handler: "humans" | "bot" = "humans",
      contact_: { bannedAt?: Date } = {},
    ) => {
      const times = lines_.map((l) => ago(l.minutesAgo));
      const inbound = lines_.filter((l) => l.direction === "inbound").map((l) => ago(l.minutesAgo));
      const [contact] = await tx.insert(contacts).values({ companyId, channelId, externalId, displayName: name, createdAt: times[0], bannedAt: contact_.bannedAt }).returning();
      const [c] = await tx
        .insert(conversations)
        .values({
          companyId,
          channelId,
          lineId,
          contactId: contact!.id,
          status,
          handler,
          assigneeId,
          teamId: team!.id,
          createdAt: times[0],
          lastMessageAt: times[times.length - 1]!,
          lastInboundAt: inbound[inbound.length - 1] ?? null,
          closedAt: status === "closed" ? ago(lines_[lines_.length - 1]!.minutesAgo - 2) : null,
        })
        .returning();
      for (const [i, line] of lines_.entries()) {
        const operator = line.direction === "outbound" && !line.bot;
        await tx.insert(messages).values({
          companyId,
          conversationId: c!.id,
          channelId,
          direction: line.direction,
          authorKind: line.direction === "inbound" ? "customer" : line.bot ? "bot" : "operator",
          authorUserId: operator ? assigneeId : undefined,
          authorName: line.direction === "inbound" ? name : line.bot,
          text: line.text,
          providerMessageId: `demo-${i}-${externalId}`,
          deliveryStatus: line.direction === "inbound" ? "delivered" : "sent",
          providerTimestamp: times[i],
          createdAt: times[i],
          sentAt: line.direction === "outbound" ? times[i] : null,
        });
      }
    };
    await convo(tg!.id, sales!.id, "123456789", "Ivan Petrov", [{ text: "Hello! Is the blue kettle in stock?", direction: "inbound", minutesAgo: 5 }], "new");
    await convo(
      fb!.id,
      sales!.id,
      "psid-1001",
      "Maria Lopez",
      [
        { text: "Hi, where is my order #1042?", direction: "inbound", minutesAgo: 13 },
        { text: "Your order #1042 ships tomorrow. Type “agent” to talk to a person.", direction: "outbound", minutesAgo: 12, bot: "Acme Shop Bot" },
      ],
      "new",
      undefined,
      "bot",
    );
    await convo(
      helpBot!.id,
      support!.id,
      "987654321",
      "Olga Sidorova",
      [
        { text: "My parcel arrived damaged.", direction: "inbound", minutesAgo: 3 * 60 + 25 },
        { text: "Sorry to hear that! Could you send a photo?", direction: "outbound", minutesAgo: 3 * 60 + 20 },
      ],
      "in_progress",
      op1!.id,
    );
    await convo(
      ig!.id,
      support!.id,
      "igsid-2002",
      "Taras Shevchuk",
      [
        { text: "Is the discount still on?", direction: "inbound", minutesAgo: 4 * 60 + 10 },
        { text: "Yes, until Sunday.", direction: "outbound", minutesAgo: 4 * 60 - 5 },
        { text: "Thanks, all good now!", direction: "inbound", minutesAgo: 4 * 60 - 8 },
      ],
      "closed",
      op2!.id,
    );

    if (opts.demoStates) {
      // A VK customer, answered before the community was stopped two days ago.
      await convo(
        vk!.id,
        support!.id,
        "5551001",
        "Pavel Sokolov",
        [
          { text: "Здравствуйте! Доставляете в Казань?", direction: "inbound", minutesAgo: 2 * DAY + 95 },
          { text: "Да, за 3–4 дня. Оформить заказ?", direction: "outbound", minutesAgo: 2 * DAY + 80 },
          { text: "Спасибо, подумаю.", direction: "inbound", minutesAgo: 2 * DAY + 70 },
        ],
        "closed",
        op2!.id,
      );
      // A Messenger customer whose last message is 30 hours old: past the 24-hour reply window.
      await convo(
        fb!.id,
        sales!.id,
        "psid-1002",
        "Chloe Martin",
        [
          { text: "Do you ship to Canada?", direction: "inbound", minutesAgo: 30 * 60 + 15 },
          { text: "Could you tell me the delivery price too?", direction: "inbound", minutesAgo: 30 * 60 },
        ],
        "in_progress",
        op1!.id,
      );
      // A contact banned yesterday for spam: kept, never routed to the line.
      await convo(
        tg!.id,
        sales!.id,
        "555000111",
        "Followers Shop",
        [
          { text: "Cheap followers! 10 000 for $5, write now", direction: "inbound", minutesAgo: DAY + 40 },
          { text: "Last chance: cheap followers!!!", direction: "inbound", minutesAgo: DAY + 35 },
        ],
        "closed",
        op1!.id,
        "humans",
        { bannedAt: ago(DAY + 30) },
      );
      // The answers a shop gives every day, as saved replies in the three languages (typed as /hours, /order, /refund).
      await tx.insert(savedReplies).values([
        {
          companyId,
          code: "hours",
          title: "Opening hours",
          defaultLocale: "en" as const,
          bodies: {
            en: "Hi {{contact.first_name}}! We answer every day from 9:00 to 21:00. — {{operator.name}}, {{company.name}}",
            ru: "Здравствуйте, {{contact.first_name}}! Мы отвечаем каждый день с 9:00 до 21:00. — {{operator.name}}, {{company.name}}",
            uk: "Вітаємо, {{contact.first_name}}! Ми відповідаємо щодня з 9:00 до 21:00. — {{operator.name}}, {{company.name}}",
          },
        },
        {
          companyId,
          code: "order",
          title: "Ask for the order number",
          defaultLocale: "en" as const,
          bodies: {
            en: "Could you send me your order number, {{contact.first_name}}? It is in the confirmation email.",
            ru: "Пришлите, пожалуйста, номер заказа, {{contact.first_name}}. Он есть в письме с подтверждением.",
            uk: "Надішліть, будь ласка, номер замовлення, {{contact.first_name}}. Він є в листі з підтвердженням.",
          },
        },
        {
          companyId,
          code: "refund",
          title: "Refund policy",
          defaultLocale: "en" as const,
          bodies: {
            en: "You can return any item within 30 days; the refund reaches your card within 5 working days.",
            ru: "Любой товар можно вернуть в течение 30 дней; деньги вернутся на карту за 5 рабочих дней.",
            uk: "Будь-який товар можна повернути протягом 30 днів; гроші повернуться на картку за 5 робочих днів.",
          },
        },
      ]);
    }

    return {
      companyId,
      admin: { id: admin!.id, email: admin!.email },
      operators: [op1!, op2!].map((u) => ({ id: u.id, email: u.email })),
      lineIds: [sales!.id, support!.id],
      telegram: { channelId: tg!.id, botToken, webhookSecret, botId: ext(botId) },
    };
  });
}

export async function hasAnyCompany(db: Database): Promise<boolean> {
  const existing = await db.select({ id: companies.id }).from(companies).limit(1);
  return existing.length > 0;
}

/** The demo company for `npm run dev`, created once on an empty database. Its passwords are in the README. */
export async function seedDemoIfEmpty(db: Database): Promise<boolean> {
  if (await hasAnyCompany(db)) return false;
  await seedCompany(db, { slug: "demo", name: "Acme (demo)", demoStates: true });
  return true;
}
