/**
 * The Meta re-authorization wizard as the admin drives it (F3): start, read, submit a step, verify it again,
 * complete, cancel, and the OAuth return. State lives in `reconnect_attempts` (kind meta_wizard), so closing
 * the browser and coming back resumes the step. Every step's Graph checks (checks.ts) run before the state
 * machine (machine.ts) may open the next one. The long-lived user token is sealed in the attempt while the
 * wizard runs and dropped when it ends; it never reaches the browser or the logs.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Database, DbOrTx } from "../../db";
import { channelIncidents, channels, historyRecoveries, lines, reconnectAttempts, type ReconnectState } from "../../db/schema";
import type { MetaCredentials } from "../channels/meta/credentials";
import { open, seal } from "../crypto/secret-box";
import { env } from "../env.js";
import { DomainError } from "../errors";
import { kickJobs } from "../queue/kick-jobs";
import { logger } from "../log";
import type { ServiceContext } from "../services/context";
import { actorUserId, announceChannel, findCompanyChannel, findCompanyLine, isUniqueViolation, recordChannelHistory, type Channel } from "../services/channels/channel-records";
import { markChannelRestored } from "../services/channels/mark-channel-restored";
import { META_RECOVERY_MARGIN_MS, META_RECOVERY_WINDOW_MS } from "../services/channels/recover-meta-history";
import { startHistoryRecovery } from "../services/channels/history-recovery";
import { createLineInline } from "../services/channels/telegram-connection-rules";
import { checkPermissions, connectPage, discover, graphReason } from "./checks";
import { exchangeCode, exchangeLongLived } from "../channels/meta/graph";
import {
  blockingPermissions,
  initialState,
  stepperOf,
  transition,
  type ChannelResult,
  type LineChoice,
  type MetaProvider,
  type RestartResult,
  type Step,
  type WizardEvent,
  type WizardState,
  type WizardTarget,
} from "./machine";
import { dialogUrl, hashOAuthState, metaAppConfigured, newOAuthState, OAUTH_STATE_TTL_MS, oauthRedirectUri } from "../channels/meta/oauth";

type Ctx = ServiceContext & { db: Database };
type Attempt = typeof reconnectAttempts.$inferSelect;
type SealedToken = { userToken: string; profileId: string };

const META: MetaProvider[] = ["messenger", "instagram"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An unfinished wizard is resumed when started again within this time. */
const RESUME_WITHIN_MS = 24 * 60 * 60 * 1000;

const attemptNotFound = () => new DomainError("not_found", "metaWizard.error.notFound", "wizard not found");
const conflict = (key: string) => new DomainError("conflict", key);
const isMeta = (provider: string): provider is MetaProvider => provider === "messenger" || provider === "instagram";

// The wizard keeps its own shape in the attempt's jsonb state (ReconnectState is the column's general type).
const stateOf = (row: Attempt) => row.state as unknown as WizardState;
const stored = (state: WizardState) => state as unknown as ReconnectState;

async function loadAttempt(db: DbOrTx, companyId: string, attemptId: string): Promise<Attempt> {
  if (!UUID.test(attemptId)) throw attemptNotFound();
  const [row] = await db
    .select()
    .from(reconnectAttempts)
    .where(and(eq(reconnectAttempts.id, attemptId), eq(reconnectAttempts.companyId, companyId), eq(reconnectAttempts.kind, "meta_wizard")));
  if (!row) throw attemptNotFound();
  return row;
}

function openRunning(row: Attempt): Attempt {
  if (row.status !== "in_progress") throw conflict(row.status === "abandoned" ? "metaWizard.error.cancelled" : "metaWizard.error.finished");
  return row;
}

function userToken(row: Attempt): string {
  if (!row.sealedUserToken) throw new DomainError("precondition_failed", "metaWizard.error.signInAgain");
  return open<SealedToken>(row.sealedUserToken).userToken;
}

/** Applies an event: a refusal about the flow itself (stale tab) throws; a guard's refusal is shown on its step. */
function apply(state: WizardState, event: WizardEvent): WizardState {
  const result = transition(state, event);
  if (result.ok) return result.state;
  if (["metaWizard.error.wrongStep", "metaWizard.error.cancelled", "metaWizard.error.finished"].includes(result.reason)) throw conflict(result.reason);
  return { ...state, failure: { step: state.step, reason: result.reason, ...(result.names ? { names: result.names } : {}) } };
}

async function save(db: DbOrTx, row: Attempt, state: WizardState, extra: Partial<typeof reconnectAttempts.$inferInsert> = {}) {
  const updated = await db
    .update(reconnectAttempts)
    .set({ state: stored(state), updatedAt: new Date(), ...extra })
    .where(and(eq(reconnectAttempts.id, row.id), eq(reconnectAttempts.companyId, row.companyId), eq(reconnectAttempts.status, "in_progress")))
    .returning({ id: reconnectAttempts.id });
  if (updated.length === 0) throw conflict("metaWizard.error.finished");
}

async function metaChannels(db: DbOrTx, companyId: string): Promise<Channel[]> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.companyId, companyId), inArray(channels.provider, META)));
}

const targetOf = (c: Channel): WizardTarget => ({
  channelId: c.id,
  provider: c.provider as MetaProvider,
  externalId: c.externalId,
  name: c.name,
  ...(c.settings.linkedPageId ? { linkedPageId: c.settings.linkedPageId } : {}),
});

// ——— start ———

export async function startWizard({ ctx, input }: { ctx: Ctx; input: { mode: "reauthorize" | "connect"; channelId?: string } }): Promise<{ attemptId: string; resumed: boolean }> {
  let origin: Channel | undefined;
  if (input.channelId) {
    origin = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
    if (!isMeta(origin.provider)) throw new DomainError("invalid", "metaWizard.error.notMeta");
  }
  const recent = await ctx.db
    .select()
    .from(reconnectAttempts)
    .where(
      and(
        eq(reconnectAttempts.companyId, ctx.companyId),
        eq(reconnectAttempts.kind, "meta_wizard"),
        eq(reconnectAttempts.status, "in_progress"),
        gt(reconnectAttempts.createdAt, new Date(Date.now() - RESUME_WITHIN_MS)),
      ),
    )
    .orderBy(desc(reconnectAttempts.createdAt));
  const resumable = recent.find((r) => stateOf(r).mode === input.mode && (stateOf(r).originChannelId ?? null) === (origin?.id ?? null));
  if (resumable) {
    // Resumed on the permissions step: what Facebook grants now is asked again, so a permission declined (or
    // turned on) since the last look is shown as it is. A Graph failure leaves the stored check and its words.
    if (stateOf(resumable).step === "permissions" && resumable.sealedUserToken) {
      try {
        await verifyStep({ ctx, input: { attemptId: resumable.id } });
      } catch (error) {
        logger.warn("meta_wizard.resume_check_failed", { companyId: ctx.companyId, attemptId: resumable.id, error: error instanceof Error ? error.name : "error" });
      }
    }
    return { attemptId: resumable.id, resumed: true };
  }

  const all = await metaChannels(ctx.db, ctx.companyId);
  const broken = all.filter((c) => c.status === "disconnected" || c.id === origin?.id).map(targetOf);
  const [row] = await ctx.db
    .insert(reconnectAttempts)
    .values({
      companyId: ctx.companyId,
      channelId: origin?.id ?? null,
      startedBy: actorUserId(ctx),
      kind: "meta_wizard",
      state: stored(initialState({ mode: input.mode, ...(origin ? { originChannelId: origin.id } : {}), broken })),
    })
    .returning({ id: reconnectAttempts.id });
  logger.info("meta_wizard.started", { companyId: ctx.companyId, attemptId: row!.id, mode: input.mode, channelId: origin?.id ?? null });
  return { attemptId: row!.id, resumed: false };
}

// ——— read ———

export type WizardView = Awaited<ReturnType<typeof getWizard>>;

export async function getWizard({ ctx, input }: { ctx: Ctx; input: { attemptId: string } }) {
  const row = await loadAttempt(ctx.db, ctx.companyId, input.attemptId);
  const state = withRecoveredCounts(stateOf(row), await recoveredCounts(ctx, stateOf(row).results ?? []));
  const all = await metaChannels(ctx.db, ctx.companyId);
  const byExternal = (provider: MetaProvider, externalId: string) => all.find((c) => c.provider === provider && c.externalId === externalId);
  const brief = (c: Channel | undefined) => (c ? { id: c.id, name: c.name, status: c.status, statusReason: c.statusReason } : null);
  // The channels the wizard is for, and of those the ones that have lost their connection now (a working channel
  // the admin started from is a target, never called broken).
  const lost = (provider: MetaProvider, externalId: string) => byExternal(provider, externalId)?.status === "disconnected";
  const brokenIds = new Set(state.broken.filter((b) => lost(b.provider, b.externalId)).map((b) => `${b.provider}:${b.externalId}`));
  const pages = (state.pages ?? []).map((p) => ({
    id: p.id,
    name: p.name,
    canMessage: p.canMessage,
    viaBusiness: p.viaBusiness === true,
    instagram: p.instagram ?? null,
    otherApps: p.otherApps ?? [],
    ticked: state.selectedPageIds.includes(p.id),
    broken: brokenIds.has(`messenger:${p.id}`),
    channel: brief(byExternal("messenger", p.id)),
  }));
  const instagram = (state.instagram ?? []).map((i) => ({
    id: i.id,
    username: i.username,
    pageName: state.pages?.find((p) => p.id === i.pageId)?.name ?? i.pageId,
    ticked: state.selectedInstagramIds.includes(i.id),
    broken: brokenIds.has(`instagram:${i.id}`),
    channel: brief(byExternal("instagram", i.id)),
  }));
  const origin = state.originChannelId ? all.find((c) => c.id === state.originChannelId) : undefined;
  const stopped = all
    .filter((c) => c.status === "stopped")
    .map((c) => ({ ...brief(c)!, provider: c.provider as MetaProvider, restart: state.restarts?.find((r) => r.channelId === c.id) ?? null }));
  const reconnected = (state.results ?? []).filter((r) => r.ok).map((r) => ({ name: r.name, provider: r.provider, created: r.created === true }));
  const restarted = (state.restarts ?? []).filter((r) => r.ok).map((r) => all.find((c) => c.id === r.channelId)?.name ?? "");
  const attention = all.filter((c) => c.status !== "active").map((c) => ({ ...brief(c)!, provider: c.provider as MetaProvider }));
  const names = (ids: string[]) => ids.map((id) => state.pages?.find((p) => p.id === id)?.name ?? state.instagram?.find((i) => i.id === id)?.username ?? id);

  return {
    attemptId: row.id,
    status: row.status,
    mode: state.mode,
    step: state.step,
    stepper: stepperOf(state),
    failure: state.failure ?? null,
    appConfigured: metaAppConfigured(),
    sandbox: Boolean(env().SANDBOX_META_URL),
    signedIn: row.sealedUserToken !== null,
    origin: origin ? { ...brief(origin)!, provider: origin.provider as MetaProvider } : null,
    broken: state.broken.filter((b) => lost(b.provider, b.externalId)).map((b) => ({ name: b.name, provider: b.provider, channelId: b.channelId })),
    profile: state.profile ?? null,
    unreachable: state.unreachable ?? [],
    pages,
    instagram,
    missingPages: state.broken.filter((b) => b.provider === "messenger" && !pages.some((p) => p.id === b.externalId)).map((b) => b.name),
    missingInstagram: state.broken.filter((b) => b.provider === "instagram" && !instagram.some((i) => i.id === b.externalId)).map((b) => b.name),
    line: state.line ?? null,
    permissions: (state.permissions ?? []).map((p) => ({ permission: p.permission, status: p.status, uncovered: names(p.uncovered) })),
    permissionsChecked: state.permissions !== undefined,
    permissionsBlocking: blockingPermissions(state.permissions).length,
    // A channel that got its fresh token while stopped and was then started in this wizard says so.
    results: (state.results ?? []).map((r) => ({ ...r, started: r.reason === "stopped" && (state.restarts ?? []).some((x) => x.ok && x.channelId === r.channelId) })),
    stopped,
    summary: { reconnected, restarted, recovered: (state.results ?? []).reduce((n, r) => n + (r.recovered ?? 0), 0), attention },
  };
}

/** What each channel's history recovery has added so far, by recovery id (this company's only). */
async function recoveredCounts(ctx: Ctx, results: ChannelResult[]): Promise<Map<string, number>> {
  const ids = results.flatMap((r) => (r.recoveryId ? [r.recoveryId] : []));
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: historyRecoveries.id, recoveredCount: historyRecoveries.recoveredCount })
    .from(historyRecoveries)
    .where(and(eq(historyRecoveries.companyId, ctx.companyId), inArray(historyRecoveries.id, ids)));
  return new Map(rows.map((r) => [r.id, r.recoveredCount]));
}

const withRecoveredCounts = <S extends { results?: ChannelResult[] }>(state: S, counts: Map<string, number>): S =>
  state.results ? { ...state, results: state.results.map((r) => (r.recoveryId ? { ...r, recovered: counts.get(r.recoveryId) ?? 0 } : r)) } : state;

// ——— OAuth ———

async function beginOAuth(ctx: Ctx, row: Attempt, rerequest: boolean): Promise<{ redirectTo: string }> {
  if (!metaAppConfigured()) throw new DomainError("precondition_failed", "metaWizard.error.appNotConfigured");
  const state = apply(stateOf(row), { type: "begin_oauth", rerequest, at: new Date().toISOString() });
  const oauthState = newOAuthState();
  await save(ctx.db, row, state, { oauthStateHash: hashOAuthState(oauthState) });
  logger.info("meta_wizard.oauth_started", { companyId: ctx.companyId, attemptId: row.id, rerequest });
  return { redirectTo: dialogUrl({ state: oauthState, rerequest }) };
}

export type OAuthOutcome = { ok: true; attemptId: string } | { ok: false; reason: "state_invalid" | "state_used" | "state_expired" | "signed_out"; attemptId?: string };

/**
 * GET /api/oauth/meta/callback. The `state` must hash to a sign-in this company's admin began and has not
 * used yet; otherwise nothing is exchanged. Facebook's code is exchanged on the server for a long-lived user
 * token, kept sealed; then who signed in and what they shared is checked before the profile step opens.
 */
export async function handleOAuthCallback(params: URLSearchParams, user: { id: string; companyId: string; role: string } | null, db: Database): Promise<OAuthOutcome> {
  if (!user) return { ok: false, reason: "signed_out" };
  const stateParam = params.get("state") ?? "";
  if (stateParam.length < 16 || stateParam.length > 200) return { ok: false, reason: "state_invalid" };
  const [row] = await db.select().from(reconnectAttempts).where(eq(reconnectAttempts.oauthStateHash, hashOAuthState(stateParam)));
  // Another company's sign-in is as unknown to this admin as a forged one.
  if (!row || row.companyId !== user.companyId || user.role !== "admin" || row.kind !== "meta_wizard") return { ok: false, reason: "state_invalid" };
  const state = stateOf(row);
  if (row.status !== "in_progress" || state.step !== "connect" || state.oauth?.usedAt) return { ok: false, reason: "state_used", attemptId: row.id };
  if (!state.oauth || Date.now() - Date.parse(state.oauth.issuedAt) > OAUTH_STATE_TTL_MS) return { ok: false, reason: "state_expired", attemptId: row.id };

  const ctxLog = { companyId: row.companyId, attemptId: row.id };
  // Spent at once: the same state never works twice, whatever happens next.
  const spent: WizardState = { ...state, oauth: { ...state.oauth, usedAt: new Date().toISOString() } };
  const error = params.get("error");
  const code = params.get("code");
  if (error || !code) {
    const reason = error === "access_denied" ? "denied" : "no_code";
    await save(db, row, apply(spent, { type: "oauth_failed", reason }));
    logger.info("meta_wizard.oauth_refused", { ...ctxLog, reason });
    return { ok: true, attemptId: row.id };
  }
  try {
    const short = await exchangeCode(code, oauthRedirectUri());
    const long = await exchangeLongLived(short);
    const found = await discover(long.token, state.broken);
    let next = apply(spent, { type: "oauth_succeeded", at: new Date().toISOString(), ...found });
    if (next.step === "permissions") {
      // Back from asking again: the permissions step opens already checked, with the new sign-in's grants.
      const fresh = await checkPermissions(long.token, { pageIds: next.selectedPageIds, instagramIds: next.selectedInstagramIds });
      next = fresh.valid ? apply(next, { type: "permissions_checked", permissions: fresh.permissions }) : { ...next, failure: { step: "permissions", reason: "metaWizard.error.signInAgain" } };
    }
    await save(db, row, next, { sealedUserToken: seal({ userToken: long.token, profileId: found.profile.id } satisfies SealedToken) });
    logger.info("meta_wizard.signed_in", { ...ctxLog, pages: found.pages.length, instagram: found.instagram.length, unreachable: found.unreachable.length });
  } catch (err) {
    const reason = graphReason(err);
    await save(db, row, apply(spent, { type: "oauth_failed", reason: `exchange_${reason}` }));
    logger.warn("meta_wizard.exchange_failed", { ...ctxLog, reason });
  }
  return { ok: true, attemptId: row.id };
}

// ——— steps ———

export type StepInput =
  | { step: "connect"; rerequest?: boolean }
  | { step: "profile" }
  | { step: "instagram"; ids: string[] }
  | { step: "pages"; ids: string[]; line?: LineChoice }
  | { step: "permissions" }
  | { step: "reconnect" }
  | { step: "restart"; channelId: string }
  | { step: "back"; to: Step };

async function rediscover(row: Attempt, state: WizardState): Promise<WizardState> {
  const found = await discover(userToken(row), state.broken);
  if (state.profile && found.profile.id !== state.profile.id) throw new DomainError("precondition_failed", "metaWizard.error.signInAgain");
  return apply(state, { type: "rediscovered", pages: found.pages, instagram: found.instagram, unreachable: found.unreachable });
}

async function withPermissions(row: Attempt, state: WizardState): Promise<WizardState> {
  const checked = await checkPermissions(userToken(row), { pageIds: state.selectedPageIds, instagramIds: state.selectedInstagramIds });
  if (!checked.valid) return { ...state, failure: { step: state.step, reason: "metaWizard.error.signInAgain" } };
  return apply(state, { type: "permissions_checked", permissions: checked.permissions });
}

/** A Graph failure during a check: shown on the step in words, the wizard stays where it is. */
async function checked(ctx: Ctx, row: Attempt, state: WizardState, run: () => Promise<WizardState>): Promise<WizardState> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const reason = graphReason(error);
    logger.warn("meta_wizard.check_failed", { companyId: ctx.companyId, attemptId: row.id, step: state.step, reason });
    if (reason === "unexpected" && !(error instanceof Error && error.name === "MetaApiError")) throw error;
    return { ...state, failure: { step: state.step, reason: `metaWizard.result.${reason}` } };
  }
}

export async function submitStep({ ctx, input }: { ctx: Ctx; input: { attemptId: string } & StepInput }): Promise<{ redirectTo?: string }> {
  const row = openRunning(await loadAttempt(ctx.db, ctx.companyId, input.attemptId));
  const state = stateOf(row);
  if (input.step === "connect") return beginOAuth(ctx, row, input.rerequest === true);
  if (input.step === "back") {
    await save(ctx.db, row, apply(state, { type: "back", to: input.to }));
    return {};
  }
  if (input.step !== "restart" && input.step !== state.step) throw conflict("metaWizard.error.wrongStep");

  let next: WizardState;
  switch (input.step) {
    case "profile":
      next = await checked(ctx, row, state, async () => apply(await rediscover(row, state), { type: "profile_confirmed" }));
      break;
    case "instagram":
      next = await checked(ctx, row, state, async () => apply(await rediscover(row, state), { type: "instagram_chosen", ids: input.ids }));
      break;
    case "pages": {
      const all = await metaChannels(ctx.db, ctx.companyId);
      const has = (provider: MetaProvider, id: string) => all.some((c) => c.provider === provider && c.externalId === id);
      const needsLine = input.ids.some((id) => !has("messenger", id)) || state.selectedInstagramIds.some((id) => !has("instagram", id));
      if (input.line?.kind === "existing") await findCompanyLine(ctx.db, ctx.companyId, input.line.lineId);
      next = await checked(ctx, row, state, async () => {
        const chosen = apply(await rediscover(row, state), { type: "pages_chosen", ids: input.ids, needsLine, ...(input.line ? { line: input.line } : {}) });
        // The permissions step opens already checked against what was ticked.
        return chosen.step === "permissions" ? withPermissions(row, chosen) : chosen;
      });
      break;
    }
    case "permissions":
      next = await checked(ctx, row, state, async () => {
        const fresh = await withPermissions(row, state);
        return fresh.failure ? fresh : apply(fresh, { type: "permissions_confirmed" });
      });
      break;
    case "reconnect":
      next = apply(state, { type: "reconnected", results: await reconnectTicked(ctx, row, state) });
      break;
    case "restart":
      next = apply(state, { type: "restarted", result: await restartStopped(ctx, row, state, input.channelId) });
      break;
  }
  await save(ctx.db, row, next);
  return {};
}

/** Runs the current step's check again without moving on (after the admin fixed something on Facebook). */
export async function verifyStep({ ctx, input }: { ctx: Ctx; input: { attemptId: string } }): Promise<{ step: Step }> {
  const row = openRunning(await loadAttempt(ctx.db, ctx.companyId, input.attemptId));
  const state = stateOf(row);
  let next = state;
  if (state.step === "profile" || state.step === "instagram" || state.step === "pages") next = await checked(ctx, row, state, () => rediscover(row, state));
  else if (state.step === "permissions") next = await checked(ctx, row, state, () => withPermissions(row, state));
  else next = { ...state, failure: undefined };
  await save(ctx.db, row, next);
  return { step: next.step };
}

export async function completeWizard({ ctx, input }: { ctx: Ctx; input: { attemptId: string } }): Promise<{ status: "succeeded" | "failed" }> {
  const row = openRunning(await loadAttempt(ctx.db, ctx.companyId, input.attemptId));
  const started = stateOf(row);
  const state = withRecoveredCounts(apply(started, { type: "finish", at: new Date().toISOString() }), await recoveredCounts(ctx, started.results ?? []));
  if (state.step !== "done") throw conflict("metaWizard.error.wrongStep");
  const results = state.results ?? [];
  const status = results.length > 0 && results.every((r) => !r.ok) ? "failed" : "succeeded";
  const recovered = results.reduce((n, r) => n + (r.recovered ?? 0), 0);
  // The user token is no longer needed: the channels keep their own Page tokens.
  await save(ctx.db, row, state, { status, finishedAt: new Date(), sealedUserToken: null, recoveredCount: recovered });
  logger.info("meta_wizard.completed", { companyId: ctx.companyId, attemptId: row.id, status });
  return { status };
}

export async function cancelWizard({ ctx, input }: { ctx: Ctx; input: { attemptId: string } }): Promise<{ status: "abandoned" }> {
  const row = openRunning(await loadAttempt(ctx.db, ctx.companyId, input.attemptId));
  const state = apply(stateOf(row), { type: "cancel", at: new Date().toISOString() });
  await save(ctx.db, row, state, { status: "abandoned", finishedAt: new Date(), sealedUserToken: null, failureReason: "cancelled" });
  logger.info("meta_wizard.cancelled", { companyId: ctx.companyId, attemptId: row.id });
  return { status: "abandoned" };
}

// ——— reconnect and restart ———

/** A reconnected channel whose missed messages are recovered once every channel is connected. */
type Recovery = { result: ChannelResult; channelId: string; pageId: string; since: Date; incidentId: string | null };

/**
 * For each ticked Page and Instagram account: the Page token, the webhook subscription (verified), the sealed
 * token stored, and the channel active again with its incident resolved — or created on the chosen line when
 * this company did not have it yet. Then what customers wrote while a channel was down is recovered from the
 * Page's conversations (since the incident opened, 24 hours at most); a failure there leaves the reconnect
 * standing. Held replies go out afterwards, oldest first, after the messages they answer.
 */
async function reconnectTicked(ctx: Ctx, row: Attempt, state: WizardState): Promise<ChannelResult[]> {
  const token = userToken(row);
  const pageName = (id: string) => state.pages?.find((p) => p.id === id)?.name ?? id;
  const wanted: { provider: MetaProvider; externalId: string; pageId: string; name: string; username?: string }[] = [
    ...state.selectedPageIds.map((id) => ({ provider: "messenger" as const, externalId: id, pageId: id, name: pageName(id), username: pageName(id) })),
    ...state.selectedInstagramIds.flatMap((id) => {
      const account = state.instagram?.find((i) => i.id === id);
      return account ? [{ provider: "instagram" as const, externalId: id, pageId: account.pageId, name: `@${account.username}`, username: account.username }] : [];
    }),
  ];
  const connections = new Map<string, Awaited<ReturnType<typeof connectPage>>>();
  for (const pageId of new Set(wanted.map((w) => w.pageId))) connections.set(pageId, await connectPage(token, pageId));

  const results: ChannelResult[] = [];
  const changed: { id: string; status: string }[] = [];
  const recoveries: Recovery[] = [];
  const now = new Date();
  for (const item of wanted) {
    const base = { externalId: item.externalId, provider: item.provider, name: item.name };
    const connection = connections.get(item.pageId)!;
    if (!connection.ok) {
      const [existing] = await ctx.db.select({ id: channels.id }).from(channels).where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, item.provider), eq(channels.externalId, item.externalId)));
      results.push({ ...base, channelId: existing?.id ?? null, ok: false, reason: connection.reason });
      continue;
    }
    const credentials: MetaCredentials = { pageToken: connection.pageToken };
    let pending: Recovery | undefined;
    try {
      const result = await ctx.db.transaction(async (tx): Promise<ChannelResult> => {
        const [existing] = await tx.select().from(channels).where(and(eq(channels.provider, item.provider), eq(channels.externalId, item.externalId))).for("update");
        if (existing && existing.companyId !== ctx.companyId) return { ...base, channelId: null, ok: false, reason: "connected_elsewhere" };
        // The Page's other apps by name: the inbox says which one owns a thread ("Owner: Acme Shop Bot").
        const settings = {
          ...(existing?.settings ?? {}),
          ...(item.username ? { username: item.username } : {}),
          ...(item.provider === "instagram" ? { linkedPageId: item.pageId } : {}),
          pageApps: connection.otherApps,
        };
        if (existing) {
          await tx.update(channels).set({ credentials: seal(credentials), settings, updatedAt: new Date() }).where(eq(channels.id, existing.id));
          // A stopped channel keeps its fresh token and starts in the next step, where the admin chooses.
          if (existing.status === "stopped") return { ...base, name: existing.name, channelId: existing.id, ok: true, reason: "stopped" };
          const [incident] = await tx
            .select({ openedAt: channelIncidents.openedAt })
            .from(channelIncidents)
            .where(and(eq(channelIncidents.channelId, existing.id), isNull(channelIncidents.resolvedAt)));
          const { incidentId } = await markChannelRestored(tx, existing.id, "reconnected", { byUserId: actorUserId(ctx), now });
          changed.push({ id: existing.id, status: "active" });
          const ok: ChannelResult = { ...base, name: existing.name, channelId: existing.id, ok: true };
          // Down since the incident opened (or, without one, since it was marked down): that is what may be missing.
          const downSince = incident?.openedAt ?? (existing.status === "disconnected" ? existing.statusSince : null);
          if (downSince) {
            const since = new Date(Math.max(now.getTime() - META_RECOVERY_WINDOW_MS, downSince.getTime() - META_RECOVERY_MARGIN_MS));
            pending = { result: ok, channelId: existing.id, pageId: item.pageId, since, incidentId };
          }
          return ok;
        }
        if (!state.line) return { ...base, channelId: null, ok: false, reason: "line_required" };
        const line = state.line.kind === "existing" ? await findCompanyLine(tx, ctx.companyId, state.line.lineId) : await lineByName(tx, ctx.companyId, state.line.name);
        const id = randomUUID();
        await tx.insert(channels).values({ id, companyId: ctx.companyId, lineId: line.id, provider: item.provider, name: item.name, externalId: item.externalId, credentials: seal(credentials), settings });
        await recordChannelHistory(tx, { companyId: ctx.companyId, channelId: id, actorUserId: actorUserId(ctx), action: "connected", detail: { line: line.name } });
        changed.push({ id, status: "active" });
        return { ...base, channelId: id, ok: true, created: true };
      });
      results.push(result);
      if (pending) recoveries.push(pending);
    } catch (error) {
      if (!isUniqueViolation(error, "channels_provider_external_unique")) throw error;
      results.push({ ...base, channelId: null, ok: false, reason: "connected_elsewhere" });
    }
  }
  for (const c of changed) await announceChannel(ctx.companyId, c);
  // What customers wrote while each channel was down: recovered by a durable job each (history-recovery.ts), so the
  // admin does not wait; the wizard and the channel's Details page show how far it has come.
  for (const r of recoveries) {
    r.result.recoveryId = await startHistoryRecovery(ctx.db, { companyId: ctx.companyId, channelId: r.channelId, incidentId: r.incidentId, pageId: r.pageId, window: { since: r.since, until: now } });
  }
  if (changed.length > 0) kickJobs(); // the replies that waited for this reconnect
  logger.info("meta_wizard.reconnected", {
    companyId: ctx.companyId,
    attemptId: row.id,
    ok: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    recovering: recoveries.length,
  });
  return results;
}

/** The line the admin named for new channels: created once, found again when two channels go to it. */
async function lineByName(tx: DbOrTx, companyId: string, name: string) {
  const [found] = await tx.select().from(lines).where(and(eq(lines.companyId, companyId), eq(lines.name, name.trim())));
  return found ?? createLineInline(tx, companyId, name);
}

/** "Start" for a stopped Messenger / Instagram channel: a fresh Page token, the subscription verified, then active. */
async function restartStopped(ctx: Ctx, row: Attempt, state: WizardState, channelId: string): Promise<RestartResult> {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, channelId);
  if (!isMeta(channel.provider)) throw new DomainError("invalid", "metaWizard.error.notMeta");
  if (channel.status !== "stopped") throw conflict("channelsAdmin.error.notStopped");
  const pageId =
    channel.provider === "messenger" ? channel.externalId : (channel.settings.linkedPageId ?? state.instagram?.find((i) => i.id === channel.externalId)?.pageId);
  const connection = pageId ? await connectPage(userToken(row), pageId) : ({ ok: false, reason: "page_not_reachable" } as const);
  if (!connection.ok) {
    await recordChannelHistory(ctx.db, { companyId: ctx.companyId, channelId, actorUserId: actorUserId(ctx), action: "start_refused", detail: { reason: connection.reason } });
    return { channelId, ok: false, reason: connection.reason };
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({
        credentials: seal({ pageToken: connection.pageToken } satisfies MetaCredentials),
        settings: { ...channel.settings, ...(channel.provider === "instagram" ? { linkedPageId: pageId } : {}), pageApps: connection.otherApps },
        updatedAt: new Date(),
      })
      .where(and(eq(channels.id, channelId), eq(channels.companyId, ctx.companyId)));
    await markChannelRestored(tx, channelId, "started", { byUserId: actorUserId(ctx) });
    // Its connection was made anew (a fresh Page token, the subscription verified): the Details page says when.
    await tx.update(channels).set({ reconnectedAt: new Date() }).where(and(eq(channels.id, channelId), eq(channels.companyId, ctx.companyId)));
  });
  await announceChannel(ctx.companyId, { id: channelId, status: "active" });
  kickJobs();
  return { channelId, ok: true };
}
