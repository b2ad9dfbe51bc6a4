/**
 * The Meta re-authorization wizard as a pure state machine (F3, seed 000): no database, no network, no clock.
 * The service (wizard.ts) runs each step's Graph API checks and feeds what they found in as events; the
 * machine decides whether the next step may open. Every refusal is a catalog key, so the page says it in words.
 *
 *   start → connect (Facebook dialog) → profile → instagram → pages → permissions → reconnect → restart → done
 */
import type { PageApp, RequiredPermission } from "../channels/meta/permissions";

export const STEPS = ["start", "connect", "profile", "instagram", "pages", "permissions", "reconnect", "restart", "done"] as const;
export type Step = (typeof STEPS)[number];

export type MetaProvider = "messenger" | "instagram";

/** A channel the wizard is about: a broken one (pre-ticked) or the one it was started from. */
export type WizardTarget = { channelId: string; provider: MetaProvider; externalId: string; name: string; linkedPageId?: string };

/** A Page the signed-in profile can reach (/me/accounts, or a business's owned Pages). */
export type WizardPage = {
  id: string;
  name: string;
  tasks: string[];
  canMessage: boolean;
  viaBusiness?: boolean;
  instagram?: { id: string; username: string };
  /** Other apps subscribed to the Page's messages (its bot): under handover they answer first (protocols/meta.md §3). */
  otherApps?: PageApp[];
};
/** An Instagram business account behind one of those Pages. */
export type WizardInstagram = { id: string; username: string; pageId: string };

/** A broken channel this profile cannot fix, and why. */
export type Unreachable = { channelId: string; name: string; provider: MetaProvider; reason: "not_shared" | "no_messaging_task" };

export type PermissionCheck = {
  permission: RequiredPermission;
  status: "granted" | "declined" | "missing";
  /** Ticked Page / Instagram ids this permission was not granted for (debug_token granular_scopes). */
  uncovered: string[];
};

export type ChannelResult = {
  channelId: string | null;
  externalId: string;
  provider: MetaProvider;
  name: string;
  ok: boolean;
  /** A catalog reason code when it failed (metaWizard.result.<reason>). */
  reason?: string;
  created?: boolean;
  /** Messages recovered so far by this channel's history recovery (read from it each time the wizard is shown). */
  recovered?: number;
  /** The history recovery queued for this channel by the reconnect (a durable job: history_recoveries). */
  recoveryId?: string;
};

export type RestartResult = { channelId: string; ok: boolean; reason?: string };

export type LineChoice = { kind: "existing"; lineId: string } | { kind: "new"; name: string };

export type WizardState = {
  step: Step;
  mode: "reauthorize" | "connect";
  /** The channel whose Details page started the wizard: this profile must reach it. */
  originChannelId?: string;
  /** The company's disconnected Messenger / Instagram channels when the wizard started. */
  broken: WizardTarget[];
  oauth?: { rerequest: boolean; scopes?: string[]; returnTo?: Step; issuedAt: string; usedAt?: string; attempts: number };
  profile?: { id: string; name: string };
  unreachable?: Unreachable[];
  pages?: WizardPage[];
  instagram?: WizardInstagram[];
  selectedPageIds: string[];
  selectedInstagramIds: string[];
  line?: LineChoice;
  permissions?: PermissionCheck[];
  results?: ChannelResult[];
  restarts?: RestartResult[];
  /** The last refusal or failure, shown on its step until the next transition. */
  failure?: { step: Step; reason: string; names?: string[] };
  cancelledAt?: string;
  finishedAt?: string;
};

export type Discovery = { profile: { id: string; name: string }; pages: WizardPage[]; instagram: WizardInstagram[]; unreachable: Unreachable[] };

export type WizardEvent =
  | { type: "begin_oauth"; rerequest: boolean; scopes?: string[]; at: string }
  | { type: "oauth_failed"; reason: string }
  | ({ type: "oauth_succeeded"; at: string } & Discovery)
  | ({ type: "rediscovered" } & Omit<Discovery, "profile">)
  | { type: "profile_confirmed" }
  | { type: "instagram_chosen"; ids: string[] }
  | { type: "pages_chosen"; ids: string[]; line?: LineChoice; needsLine: boolean }
  | { type: "permissions_checked"; permissions: PermissionCheck[] }
  | { type: "permissions_confirmed" }
  | { type: "reconnected"; results: ChannelResult[] }
  | { type: "restarted"; result: RestartResult }
  | { type: "finish"; at: string }
  | { type: "back"; to: Step }
  | { type: "cancel"; at: string };

export type Transition = { ok: true; state: WizardState } | { ok: false; reason: string; names?: string[] };

const refuse = (reason: string, names?: string[]): Transition => ({ ok: false, reason, ...(names && names.length > 0 ? { names } : {}) });
const to = (state: WizardState, patch: Partial<WizardState>): Transition => ({ ok: true, state: { ...state, failure: undefined, ...patch } });

export const stepIndex = (step: Step) => STEPS.indexOf(step);

export function initialState(opts: { mode: WizardState["mode"]; originChannelId?: string; broken: WizardTarget[] }): WizardState {
  return { step: "start", mode: opts.mode, ...(opts.originChannelId ? { originChannelId: opts.originChannelId } : {}), broken: opts.broken, selectedPageIds: [], selectedInstagramIds: [] };
}

/** Where a new Facebook sign-in may begin: before anything was changed on the channels. */
const OAUTH_FROM: readonly Step[] = ["start", "connect", "profile", "instagram", "pages", "permissions"];
/** Steps the admin may go back to (nothing has been changed before reconnect). */
const BACK_TO: readonly Step[] = ["profile", "instagram", "pages"];

/** Broken channels this discovery can fix, ticked in advance. */
function preTicked(state: WizardState, pages: WizardPage[], instagram: WizardInstagram[]) {
  const pageIds = new Set(pages.filter((p) => p.canMessage).map((p) => p.id));
  const igIds = new Set(instagram.map((i) => i.id));
  return {
    selectedPageIds: state.broken.filter((b) => b.provider === "messenger" && pageIds.has(b.externalId)).map((b) => b.externalId),
    selectedInstagramIds: state.broken.filter((b) => b.provider === "instagram" && igIds.has(b.externalId)).map((b) => b.externalId),
  };
}

/** The ticked ids that are still offered after a new discovery. */
function keepAvailable(state: WizardState, pages: WizardPage[], instagram: WizardInstagram[]) {
  const pageIds = new Set(pages.filter((p) => p.canMessage).map((p) => p.id));
  const igIds = new Set(instagram.map((i) => i.id));
  return { selectedPageIds: state.selectedPageIds.filter((id) => pageIds.has(id)), selectedInstagramIds: state.selectedInstagramIds.filter((id) => igIds.has(id)) };
}

/** Permissions still blocking the way on: not granted, or not granted for a ticked account. */
export function blockingPermissions(permissions: PermissionCheck[] | undefined): PermissionCheck[] {
  return (permissions ?? []).filter((p) => p.status !== "granted" || p.uncovered.length > 0);
}

export function transition(state: WizardState, event: WizardEvent): Transition {
  if (state.cancelledAt) return refuse("metaWizard.error.cancelled");
  if (state.step === "done" && event.type !== "cancel") return refuse("metaWizard.error.finished");

  switch (event.type) {
    case "begin_oauth": {
      if (!OAUTH_FROM.includes(state.step)) return refuse("metaWizard.error.wrongStep");
      // Asking again for declined permissions comes back to the permissions step; any other sign-in may be
      // another profile, so it starts over from the profile.
      const returnTo = event.rerequest && state.step === "permissions" ? "permissions" : undefined;
      return to(state, {
        step: "connect",
        oauth: { rerequest: event.rerequest, ...(event.scopes ? { scopes: event.scopes } : {}), ...(returnTo ? { returnTo } : {}), issuedAt: event.at, attempts: (state.oauth?.attempts ?? 0) + 1 },
      });
    }

    case "oauth_failed":
      if (state.step !== "connect") return refuse("metaWizard.error.wrongStep");
      return { ok: true, state: { ...state, failure: { step: "connect", reason: event.reason } } };

    case "oauth_succeeded": {
      if (state.step !== "connect") return refuse("metaWizard.error.wrongStep");
      const oauth = state.oauth ? { ...state.oauth, usedAt: event.at } : undefined;
      const discovered = { profile: event.profile, pages: event.pages, instagram: event.instagram, unreachable: event.unreachable };
      if (state.oauth?.returnTo === "permissions" && state.profile?.id === event.profile.id) {
        // Same profile, permissions asked again: the choices stand, the permissions are checked afresh.
        return to(state, { ...discovered, ...keepAvailable(state, event.pages, event.instagram), step: "permissions", oauth, permissions: undefined });
      }
      return to(state, { ...discovered, ...preTicked(state, event.pages, event.instagram), step: "profile", oauth, permissions: undefined, line: undefined });
    }

    case "rediscovered": {
      if (!["profile", "instagram", "pages"].includes(state.step) || !state.profile) return refuse("metaWizard.error.wrongStep");
      return to(state, { pages: event.pages, instagram: event.instagram, unreachable: event.unreachable, ...keepAvailable(state, event.pages, event.instagram) });
    }

    case "profile_confirmed": {
      if (state.step !== "profile" || !state.profile) return refuse("metaWizard.error.wrongStep");
      const origin = state.unreachable?.find((u) => u.channelId === state.originChannelId);
      if (origin) return refuse("metaWizard.error.profileMissingPages", [origin.name]);
      return to(state, { step: "instagram" });
    }

    case "instagram_chosen": {
      if (state.step !== "instagram") return refuse("metaWizard.error.wrongStep");
      const offered = new Set((state.instagram ?? []).map((i) => i.id));
      const unknown = event.ids.filter((id) => !offered.has(id));
      if (unknown.length > 0) return refuse("metaWizard.error.notOffered", unknown);
      return to(state, { step: "pages", selectedInstagramIds: [...new Set(event.ids)] });
    }

    case "pages_chosen": {
      if (state.step !== "pages") return refuse("metaWizard.error.wrongStep");
      const pages = new Map((state.pages ?? []).map((p) => [p.id, p]));
      const unknown = event.ids.filter((id) => !pages.has(id));
      if (unknown.length > 0) return refuse("metaWizard.error.notOffered", unknown);
      const noTask = event.ids.filter((id) => !pages.get(id)!.canMessage);
      if (noTask.length > 0) return refuse("metaWizard.error.noMessagingTask", noTask.map((id) => pages.get(id)!.name));
      if (event.ids.length === 0 && state.selectedInstagramIds.length === 0) return refuse("metaWizard.error.nothingTicked");
      if (event.needsLine && !event.line) return refuse("metaWizard.error.lineRequired");
      if (event.line?.kind === "new" && event.line.name.trim() === "") return refuse("metaWizard.error.lineRequired");
      return to(state, { step: "permissions", selectedPageIds: [...new Set(event.ids)], ...(event.needsLine && event.line ? { line: event.line } : { line: undefined }), permissions: undefined });
    }

    case "permissions_checked":
      if (state.step !== "permissions") return refuse("metaWizard.error.wrongStep");
      return to(state, { permissions: event.permissions });

    case "permissions_confirmed": {
      if (state.step !== "permissions") return refuse("metaWizard.error.wrongStep");
      if (!state.permissions) return refuse("metaWizard.error.permissionsNotChecked");
      const blocking = blockingPermissions(state.permissions);
      if (blocking.length > 0) return refuse("metaWizard.error.permissionsMissing", blocking.map((p) => p.permission));
      return to(state, { step: "reconnect" });
    }

    case "reconnected":
      if (state.step !== "reconnect") return refuse("metaWizard.error.wrongStep");
      return to(state, { step: "restart", results: event.results });

    case "restarted": {
      if (state.step !== "restart") return refuse("metaWizard.error.wrongStep");
      const restarts = [...(state.restarts ?? []).filter((r) => r.channelId !== event.result.channelId), event.result];
      return to(state, { restarts });
    }

    case "finish":
      if (state.step !== "restart") return refuse("metaWizard.error.wrongStep");
      return to(state, { step: "done", finishedAt: event.at });

    case "back": {
      if (!BACK_TO.includes(event.to) || (!BACK_TO.includes(state.step) && state.step !== "permissions")) return refuse("metaWizard.error.wrongStep");
      if (stepIndex(event.to) >= stepIndex(state.step)) return refuse("metaWizard.error.wrongStep");
      return to(state, { step: event.to, permissions: undefined });
    }

    case "cancel":
      if (state.step === "done") return refuse("metaWizard.error.finished");
      return to(state, { cancelledAt: event.at });
  }
}

/** Steps as the stepper shows them: done, current or still to come. */
export function stepperOf(state: WizardState): { step: Step; status: "done" | "current" | "upcoming" }[] {
  const current = stepIndex(state.step);
  return STEPS.map((step, i) => ({ step, status: i < current ? "done" : i === current ? (state.step === "done" ? "done" : "current") : "upcoming" }));
}
