/**
 * What the loopback Meta fake knows about "Facebook": people (profiles) and the Pages they have tasks on,
 * Instagram business accounts linked to Pages, Business portfolios, what each person granted this app
 * (permissions granted / declined, which Pages and Instagram accounts were shared), authorization codes,
 * user and Page tokens, Page webhook subscriptions, thread owners, and the conversations customers had with each
 * Page and its Instagram account (the Conversations API). The Graph endpoints and the OAuth dialog
 * read and change it the way Facebook would (protocols/meta.md §3–4). Sandbox and tests only.
 */
import { randomBytes } from "node:crypto";

export type FakeProfile = { id: string; name: string; pages: Map<string, string[]>; businesses: string[] };
export type FakePage = { id: string; name: string; category: string; instagram?: { id: string; username: string } };
export type FakeBusiness = { id: string; name: string; pageIds: string[] };
export type FakeGrant = { permissions: Map<string, "granted" | "declined">; pageIds: Set<string>; instagramIds: Set<string> };
type UserToken = { profileId: string; long: boolean; issuedAt: number };
/** A message in a Page's conversation as the Conversations API keeps it; `fromId` is the customer or the account. */
export type FakeConversationMessage = {
  id: string;
  createdAt: number;
  fromId: string;
  toId: string;
  text: string;
  attachments?: { kind: "image" | "video" | "file"; url: string; name?: string; mimeType?: string }[];
};
/** One customer's thread with a Page (platform messenger) or with its linked Instagram account (instagram). */
export type FakeConversation = {
  id: string;
  pageId: string;
  platform: "messenger" | "instagram";
  /** The Page or Instagram account's id, and the customer (PSID / IGSID) with the name Graph shows. */
  accountId: string;
  customer: { id: string; name: string };
  messages: FakeConversationMessage[];
};
type PageToken = { pageId: string; profileId: string | null };

/** MetaWorld.snapshot(): plain JSON. */
export type MetaWorldSnapshot = {
  userTokens: [string, UserToken][];
  pageTokens: [string, PageToken][];
  revoked: [string, number][];
  tokenExpiry: [string, number][];
  grants: [string, { permissions: [string, "granted" | "declined"][]; pageIds: string[]; instagramIds: string[] }][];
  subscriptions: [string, [string, { name: string; fields: string[] }][]][];
  threadOwners: [string, string][];
};

export class MetaWorld {
  readonly profiles = new Map<string, FakeProfile>();
  readonly pages = new Map<string, FakePage>();
  readonly businesses = new Map<string, FakeBusiness>();
  /** Per profile: what it granted this app (Facebook remembers it across sign-ins). */
  readonly grants = new Map<string, FakeGrant>();
  readonly codes = new Map<string, { profileId: string; redirectUri: string; used: boolean }>();
  readonly userTokens = new Map<string, UserToken>();
  readonly pageTokens = new Map<string, PageToken>();
  /** Tokens that stopped working, with the subcode Graph answers (460 password changed, 458 app removed…). */
  readonly revoked = new Map<string, number>();
  /** Page id → app id → subscribed fields. */
  readonly subscriptions = new Map<string, Map<string, { name: string; fields: string[] }>>();
  /** `${pageId}:${psid}` → the app id that controls the thread. */
  readonly threadOwners = new Map<string, string>();
  /** When a token (or the app's data access through it) ends, in seconds since the epoch; absent: never. */
  readonly tokenExpiry = new Map<string, number>();
  /** Conversation id → the thread and its messages (the Conversations API). */
  readonly conversations = new Map<string, FakeConversation>();
  /** When set, GET /{page-id}/conversations answers this instead (a rate limit, an outage). */
  conversationsError: { status: number; code: number; subcode?: number; message: string } | null = null;

  constructor(
    public appId: string,
    public appSecret: string | null = null,
  ) {}

  addProfile(profile: { id: string; name: string; pages?: Record<string, string[]>; businesses?: string[] }): FakeProfile {
    const p: FakeProfile = { id: profile.id, name: profile.name, pages: new Map(Object.entries(profile.pages ?? {})), businesses: profile.businesses ?? [] };
    this.profiles.set(p.id, p);
    return p;
  }

  addPage(page: { id: string; name: string; category?: string; instagram?: { id: string; username: string } }): FakePage {
    const p: FakePage = { id: page.id, name: page.name, category: page.category ?? "Shopping & retail", ...(page.instagram ? { instagram: page.instagram } : {}) };
    this.pages.set(p.id, p);
    return p;
  }

  addBusiness(business: FakeBusiness): void {
    this.businesses.set(business.id, business);
  }

  /** Pages and Instagram accounts a profile could share in the dialog. */
  reachable(profileId: string): { pages: FakePage[]; instagram: { id: string; username: string; pageId: string }[] } {
    const profile = this.profiles.get(profileId);
    if (!profile) return { pages: [], instagram: [] };
    const ids = new Set([...profile.pages.keys(), ...profile.businesses.flatMap((b) => this.businesses.get(b)?.pageIds ?? [])]);
    const pages = [...ids].flatMap((id) => (this.pages.get(id) ? [this.pages.get(id)!] : []));
    return { pages, instagram: pages.flatMap((p) => (p.instagram ? [{ ...p.instagram, pageId: p.id }] : [])) };
  }

  /** What the dialog's "Done" does: the profile's grant replaced, and a one-time code for the redirect. */
  authorize(opts: { profileId: string; redirectUri: string; granted: string[]; declined?: string[]; pageIds?: string[]; instagramIds?: string[] }): string {
    const reach = this.reachable(opts.profileId);
    const previous = this.grants.get(opts.profileId);
    const permissions = new Map(previous?.permissions ?? []);
    for (const p of opts.granted) permissions.set(p, "granted");
    for (const p of opts.declined ?? []) permissions.set(p, "declined");
    this.grants.set(opts.profileId, {
      permissions,
      pageIds: new Set(opts.pageIds ?? reach.pages.map((p) => p.id)),
      instagramIds: new Set(opts.instagramIds ?? reach.instagram.map((i) => i.id)),
    });
    const code = `FAKECODE-${randomBytes(12).toString("hex")}`;
    this.codes.set(code, { profileId: opts.profileId, redirectUri: opts.redirectUri, used: false });
    return code;
  }

  issueUserToken(profileId: string, long: boolean): string {
    const token = `EAAFAKE${long ? "L" : "S"}${randomBytes(16).toString("hex")}`;
    this.userTokens.set(token, { profileId, long, issuedAt: Math.floor(Date.now() / 1000) });
    return token;
  }

  /** A Page token for this profile and Page: one per pair, like Graph's stable long-lived Page tokens. */
  pageTokenFor(profileId: string | null, pageId: string): string {
    for (const [token, info] of this.pageTokens) if (info.profileId === profileId && info.pageId === pageId && !this.revoked.has(token)) return token;
    const token = `EAAFAKEPAGE${randomBytes(16).toString("hex")}`;
    this.pageTokens.set(token, { pageId, profileId });
    return token;
  }

  /** A token the database already holds (a seeded channel's), accepted as that Page's token. */
  registerPageToken(token: string, pageId: string): void {
    this.pageTokens.set(token, { pageId, profileId: null });
  }

  /** The person changed their Facebook password: every token they hold answers 190/460 from now on. */
  changePassword(profileId: string): void {
    for (const [token, info] of this.userTokens) if (info.profileId === profileId) this.revoked.set(token, 460);
    for (const [token, info] of this.pageTokens) if (info.profileId === profileId) this.revoked.set(token, 460);
  }

  revoke(token: string, subcode = 460): void {
    this.revoked.set(token, subcode);
  }

  user(token: string | null): UserToken | undefined {
    return token && !this.revoked.has(token) ? this.userTokens.get(token) : undefined;
  }

  page(token: string | null): PageToken | undefined {
    return token && !this.revoked.has(token) ? this.pageTokens.get(token) : undefined;
  }

  granted(profileId: string, permission: string): boolean {
    return this.grants.get(profileId)?.permissions.get(permission) === "granted";
  }

  subscribe(pageId: string, appId: string, name: string, fields: string[]): void {
    const apps = this.subscriptions.get(pageId) ?? new Map<string, { name: string; fields: string[] }>();
    apps.set(appId, { name, fields });
    this.subscriptions.set(pageId, apps);
  }

  /**
   * A message written in a Page's inbox, kept for the Conversations API: by the customer (`from: "customer"`) or
   * by the Page / Instagram account. The conversation is created on its first message. Returns the message,
   * whose `id` is the `mid` a webhook for it would carry.
   */
  addConversationMessage(opts: {
    pageId: string;
    platform?: "messenger" | "instagram";
    customer: { id: string; name?: string };
    from?: "customer" | "account";
    text: string;
    at: Date;
    mid?: string;
    attachments?: FakeConversationMessage["attachments"];
  }): FakeConversationMessage {
    const platform = opts.platform ?? "messenger";
    const accountId = platform === "instagram" ? this.pages.get(opts.pageId)?.instagram?.id : opts.pageId;
    if (!accountId) throw new Error(`page ${opts.pageId} has no ${platform} account`);
    let conversation = [...this.conversations.values()].find((c) => c.pageId === opts.pageId && c.platform === platform && c.customer.id === opts.customer.id);
    if (!conversation) {
      const id = platform === "instagram" ? `aWdfZAG06${randomBytes(12).toString("hex")}` : `t_${randomBytes(8).toString("hex")}`;
      conversation = { id, pageId: opts.pageId, platform, accountId, customer: { id: opts.customer.id, name: opts.customer.name ?? `Customer ${opts.customer.id}` }, messages: [] };
      this.conversations.set(id, conversation);
    }
    const byCustomer = (opts.from ?? "customer") === "customer";
    const message: FakeConversationMessage = {
      id: opts.mid ?? (platform === "instagram" ? `aWdfZAG1faXRlbTo${randomBytes(12).toString("hex")}` : `m_${randomBytes(16).toString("hex")}`),
      createdAt: opts.at.getTime(),
      fromId: byCustomer ? opts.customer.id : accountId,
      toId: byCustomer ? accountId : opts.customer.id,
      text: opts.text,
      ...(opts.attachments ? { attachments: opts.attachments } : {}),
    };
    conversation.messages.push(message);
    return message;
  }

  /**
   * What Facebook remembers across a restart of the sandbox: every token issued or registered, what was revoked
   * or expires, what each person granted, subscriptions and thread owners. People, Pages and conversations are
   * not kept: the launcher lays them out again from the database at every start.
   */
  snapshot(): MetaWorldSnapshot {
    return {
      userTokens: [...this.userTokens],
      pageTokens: [...this.pageTokens],
      revoked: [...this.revoked],
      tokenExpiry: [...this.tokenExpiry],
      grants: [...this.grants].map(([id, g]) => [id, { permissions: [...g.permissions], pageIds: [...g.pageIds], instagramIds: [...g.instagramIds] }]),
      subscriptions: [...this.subscriptions].map(([page, apps]) => [page, [...apps]]),
      threadOwners: [...this.threadOwners],
    };
  }

  /** Takes back what `snapshot` kept (over anything already known). */
  restore(saved: Partial<MetaWorldSnapshot>): void {
    for (const [k, v] of saved.userTokens ?? []) this.userTokens.set(k, v);
    for (const [k, v] of saved.pageTokens ?? []) this.pageTokens.set(k, v);
    for (const [k, v] of saved.revoked ?? []) this.revoked.set(k, v);
    for (const [k, v] of saved.tokenExpiry ?? []) this.tokenExpiry.set(k, v);
    for (const [id, g] of saved.grants ?? []) this.grants.set(id, { permissions: new Map(g.permissions), pageIds: new Set(g.pageIds), instagramIds: new Set(g.instagramIds) });
    for (const [page, apps] of saved.subscriptions ?? []) this.subscriptions.set(page, new Map(apps));
    for (const [k, v] of saved.threadOwners ?? []) this.threadOwners.set(k, v);
  }

  clear(): void {
    for (const map of [this.profiles, this.pages, this.businesses, this.grants, this.codes, this.userTokens, this.pageTokens, this.revoked, this.subscriptions, this.threadOwners, this.tokenExpiry, this.conversations]) map.clear();
    this.conversationsError = null;
  }
}
