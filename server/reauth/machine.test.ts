import { describe, expect, it } from "vitest";
import { blockingPermissions, initialState, stepperOf, transition, type Discovery, type PermissionCheck, type WizardEvent, type WizardState } from "./machine";
import { REQUIRED_PERMISSIONS } from "../channels/meta/permissions";

const AT = "2026-01-01T00:00:00.000Z";
const broken = [
  { channelId: "c-page", provider: "messenger" as const, externalId: "P1", name: "Acme Store" },
  { channelId: "c-ig", provider: "instagram" as const, externalId: "IG1", name: "@acme.store" },
];
const discovery = (over: Partial<Discovery> = {}): Discovery => ({
  profile: { id: "U1", name: "Alex" },
  pages: [
    { id: "P1", name: "Acme Store", tasks: ["MANAGE", "MESSAGING"], canMessage: true, instagram: { id: "IG1", username: "acme.store" } },
    { id: "P2", name: "Acme Blog", tasks: ["ANALYZE"], canMessage: false },
  ],
  instagram: [{ id: "IG1", username: "acme.store", pageId: "P1" }],
  unreachable: [],
  ...over,
});
const allGranted = (): PermissionCheck[] => REQUIRED_PERMISSIONS.map((permission) => ({ permission, status: "granted", uncovered: [] }));

function run(state: WizardState, ...events: WizardEvent[]): WizardState {
  let s = state;
  for (const e of events) {
    const r = transition(s, e);
    if (!r.ok) throw new Error(`refused ${e.type}: ${r.reason}`);
    s = r.state;
  }
  return s;
}
const fresh = () => initialState({ mode: "reauthorize", originChannelId: "c-page", broken });
const at = (step: WizardState["step"]): WizardState => {
  const s = run(fresh(), { type: "begin_oauth", rerequest: false, at: AT });
  if (step === "connect") return s;
  const profile = run(s, { type: "oauth_succeeded", at: AT, ...discovery() });
  if (step === "profile") return profile;
  const ig = run(profile, { type: "profile_confirmed" });
  if (step === "instagram") return ig;
  const pages = run(ig, { type: "instagram_chosen", ids: ["IG1"] });
  if (step === "pages") return pages;
  const perms = run(pages, { type: "pages_chosen", ids: ["P1"], needsLine: false });
  if (step === "permissions") return perms;
  const reconnect = run(perms, { type: "permissions_checked", permissions: allGranted() }, { type: "permissions_confirmed" });
  if (step === "reconnect") return reconnect;
  const restart = run(reconnect, { type: "reconnected", results: [{ channelId: "c-page", externalId: "P1", provider: "messenger", name: "Acme Store", ok: true }] });
  if (step === "restart") return restart;
  return run(restart, { type: "finish", at: AT });
};
const refusal = (state: WizardState, event: WizardEvent) => {
  const r = transition(state, event);
  if (r.ok) throw new Error(`expected ${event.type} to be refused at ${state.step}`);
  return r;
};

describe("Meta wizard state machine", () => {
  it("starts at start with nothing ticked", () => {
    expect(fresh()).toMatchObject({ step: "start", mode: "reauthorize", originChannelId: "c-page", selectedPageIds: [], selectedInstagramIds: [] });
  });

  describe("begin_oauth", () => {
    it("start → connect, counting attempts", () => {
      const s = run(fresh(), { type: "begin_oauth", rerequest: false, at: AT });
      expect(s.step).toBe("connect");
      expect(s.oauth).toEqual({ rerequest: false, issuedAt: AT, attempts: 1 });
      expect(run(s, { type: "begin_oauth", rerequest: false, at: AT }).oauth?.attempts).toBe(2);
    });
    it("from profile / instagram / pages: another profile, starting over", () => {
      for (const step of ["profile", "instagram", "pages"] as const) {
        const s = run(at(step), { type: "begin_oauth", rerequest: false, at: AT });
        expect(s.step).toBe("connect");
        expect(s.oauth?.returnTo).toBeUndefined();
      }
    });
    it("from permissions with rerequest: comes back to permissions", () => {
      expect(run(at("permissions"), { type: "begin_oauth", rerequest: true, at: AT }).oauth).toMatchObject({ rerequest: true, returnTo: "permissions" });
    });
    it("is refused once channels were changed (reconnect, restart, done)", () => {
      for (const step of ["reconnect", "restart"] as const) expect(refusal(at(step), { type: "begin_oauth", rerequest: false, at: AT }).reason).toBe("metaWizard.error.wrongStep");
      expect(refusal(at("done"), { type: "begin_oauth", rerequest: false, at: AT }).reason).toBe("metaWizard.error.finished");
    });
  });

  describe("oauth_failed", () => {
    it("stays on connect with the reason", () => {
      const s = run(at("connect"), { type: "oauth_failed", reason: "denied" });
      expect(s.step).toBe("connect");
      expect(s.failure).toEqual({ step: "connect", reason: "denied" });
    });
    it("is refused outside connect", () => {
      expect(refusal(fresh(), { type: "oauth_failed", reason: "denied" }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("oauth_succeeded", () => {
    it("connect → profile, broken channels pre-ticked, the state marked used", () => {
      const s = at("profile");
      expect(s.step).toBe("profile");
      expect(s.profile).toEqual({ id: "U1", name: "Alex" });
      expect(s.selectedPageIds).toEqual(["P1"]);
      expect(s.selectedInstagramIds).toEqual(["IG1"]);
      expect(s.oauth?.usedAt).toBe(AT);
    });
    it("does not pre-tick a broken Page the profile cannot message from", () => {
      const s = run(at("connect"), { type: "oauth_succeeded", at: AT, ...discovery({ pages: [{ id: "P1", name: "Acme Store", tasks: ["ANALYZE"], canMessage: false }], instagram: [] }) });
      expect(s.selectedPageIds).toEqual([]);
    });
    it("after a rerequest by the same profile: back on permissions with the choices kept", () => {
      const asked = run(at("permissions"), { type: "permissions_checked", permissions: allGranted() }, { type: "begin_oauth", rerequest: true, at: AT });
      const s = run(asked, { type: "oauth_succeeded", at: AT, ...discovery() });
      expect(s.step).toBe("permissions");
      expect(s.selectedPageIds).toEqual(["P1"]);
      expect(s.permissions).toBeUndefined();
    });
    it("after a rerequest by another profile: starts from the profile", () => {
      const asked = run(at("permissions"), { type: "begin_oauth", rerequest: true, at: AT });
      expect(run(asked, { type: "oauth_succeeded", at: AT, ...discovery({ profile: { id: "U2", name: "Sam" } }) }).step).toBe("profile");
    });
    it("is refused outside connect", () => {
      expect(refusal(at("profile"), { type: "oauth_succeeded", at: AT, ...discovery() }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("rediscovered", () => {
    it("refreshes the lists and drops ticks no longer offered", () => {
      const s = run(at("pages"), { type: "rediscovered", pages: [], instagram: [], unreachable: [] });
      expect(s.step).toBe("pages");
      expect(s.selectedPageIds).toEqual([]);
      expect(s.selectedInstagramIds).toEqual([]);
    });
    it("is refused before sign-in and after the pages step", () => {
      expect(refusal(fresh(), { type: "rediscovered", pages: [], instagram: [], unreachable: [] }).reason).toBe("metaWizard.error.wrongStep");
      expect(refusal(at("permissions"), { type: "rediscovered", pages: [], instagram: [], unreachable: [] }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("profile_confirmed", () => {
    it("profile → instagram when the profile reaches the channel the wizard was started from", () => {
      expect(run(at("profile"), { type: "profile_confirmed" }).step).toBe("instagram");
    });
    it("is refused, naming the Page, when the profile cannot reach it", () => {
      const s = run(at("connect"), { type: "oauth_succeeded", at: AT, ...discovery({ pages: [], instagram: [], unreachable: [{ channelId: "c-page", name: "Acme Store", provider: "messenger", reason: "not_shared" }] }) });
      expect(refusal(s, { type: "profile_confirmed" })).toEqual({ ok: false, reason: "metaWizard.error.profileMissingPages", names: ["Acme Store"] });
    });
    it("other unreachable broken channels do not block", () => {
      const s = run(at("connect"), { type: "oauth_succeeded", at: AT, ...discovery({ unreachable: [{ channelId: "c-ig", name: "@acme.store", provider: "instagram", reason: "not_shared" }] }) });
      expect(run(s, { type: "profile_confirmed" }).step).toBe("instagram");
    });
    it("is refused on other steps", () => {
      expect(refusal(at("instagram"), { type: "profile_confirmed" }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("instagram_chosen", () => {
    it("instagram → pages with the ticked accounts", () => {
      const s = run(at("instagram"), { type: "instagram_chosen", ids: [] });
      expect(s.step).toBe("pages");
      expect(s.selectedInstagramIds).toEqual([]);
    });
    it("refuses accounts that were not offered", () => {
      expect(refusal(at("instagram"), { type: "instagram_chosen", ids: ["IG9"] })).toEqual({ ok: false, reason: "metaWizard.error.notOffered", names: ["IG9"] });
    });
    it("is refused on other steps", () => {
      expect(refusal(at("pages"), { type: "instagram_chosen", ids: [] }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("pages_chosen", () => {
    it("pages → permissions", () => {
      expect(run(at("pages"), { type: "pages_chosen", ids: ["P1"], needsLine: false })).toMatchObject({ step: "permissions", selectedPageIds: ["P1"] });
    });
    it("refuses a Page without a messaging task, by name", () => {
      expect(refusal(at("pages"), { type: "pages_chosen", ids: ["P2"], needsLine: false })).toEqual({ ok: false, reason: "metaWizard.error.noMessagingTask", names: ["Acme Blog"] });
    });
    it("refuses Pages not offered", () => {
      expect(refusal(at("pages"), { type: "pages_chosen", ids: ["P9"], needsLine: false }).reason).toBe("metaWizard.error.notOffered");
    });
    it("refuses nothing ticked at all", () => {
      const noIg = run(at("instagram"), { type: "instagram_chosen", ids: [] });
      expect(refusal(noIg, { type: "pages_chosen", ids: [], needsLine: false }).reason).toBe("metaWizard.error.nothingTicked");
    });
    it("needs a line for new channels", () => {
      expect(refusal(at("pages"), { type: "pages_chosen", ids: ["P1"], needsLine: true }).reason).toBe("metaWizard.error.lineRequired");
      expect(refusal(at("pages"), { type: "pages_chosen", ids: ["P1"], needsLine: true, line: { kind: "new", name: " " } }).reason).toBe("metaWizard.error.lineRequired");
      expect(run(at("pages"), { type: "pages_chosen", ids: ["P1"], needsLine: true, line: { kind: "existing", lineId: "L1" } }).line).toEqual({ kind: "existing", lineId: "L1" });
    });
    it("is refused on other steps", () => {
      expect(refusal(at("instagram"), { type: "pages_chosen", ids: ["P1"], needsLine: false }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("permissions", () => {
    it("permissions_checked stores the check", () => {
      expect(run(at("permissions"), { type: "permissions_checked", permissions: allGranted() }).permissions).toHaveLength(REQUIRED_PERMISSIONS.length);
    });
    it("permissions_confirmed is refused before a check", () => {
      expect(refusal(at("permissions"), { type: "permissions_confirmed" }).reason).toBe("metaWizard.error.permissionsNotChecked");
    });
    it("permissions_confirmed is refused while one is declined, naming it", () => {
      const declined = allGranted().map((p) => (p.permission === "pages_manage_metadata" ? { ...p, status: "declined" as const } : p));
      const s = run(at("permissions"), { type: "permissions_checked", permissions: declined });
      expect(refusal(s, { type: "permissions_confirmed" })).toEqual({ ok: false, reason: "metaWizard.error.permissionsMissing", names: ["pages_manage_metadata"] });
    });
    it("permissions_confirmed is refused while a ticked Page is not covered", () => {
      const partial = allGranted().map((p) => (p.permission === "pages_messaging" ? { ...p, uncovered: ["P1"] } : p));
      expect(blockingPermissions(partial).map((p) => p.permission)).toEqual(["pages_messaging"]);
      const s = run(at("permissions"), { type: "permissions_checked", permissions: partial });
      expect(refusal(s, { type: "permissions_confirmed" }).reason).toBe("metaWizard.error.permissionsMissing");
    });
    it("permissions → reconnect when all are on", () => {
      expect(at("reconnect").step).toBe("reconnect");
    });
    it("both are refused on other steps", () => {
      expect(refusal(at("pages"), { type: "permissions_checked", permissions: allGranted() }).reason).toBe("metaWizard.error.wrongStep");
      expect(refusal(at("pages"), { type: "permissions_confirmed" }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("reconnect, restart, finish", () => {
    it("reconnected: reconnect → restart with the results", () => {
      expect(at("restart")).toMatchObject({ step: "restart", results: [{ channelId: "c-page", ok: true }] });
    });
    it("reconnected is refused elsewhere", () => {
      expect(refusal(at("permissions"), { type: "reconnected", results: [] }).reason).toBe("metaWizard.error.wrongStep");
    });
    it("restarted records one result per channel, the latest winning", () => {
      const s = run(at("restart"), { type: "restarted", result: { channelId: "c-ig", ok: false, reason: "page_not_reachable" } }, { type: "restarted", result: { channelId: "c-ig", ok: true } });
      expect(s.restarts).toEqual([{ channelId: "c-ig", ok: true }]);
      expect(refusal(at("reconnect"), { type: "restarted", result: { channelId: "c-ig", ok: true } }).reason).toBe("metaWizard.error.wrongStep");
    });
    it("finish: restart → done; nothing moves after", () => {
      const done = at("done");
      expect(done).toMatchObject({ step: "done", finishedAt: AT });
      expect(refusal(done, { type: "restarted", result: { channelId: "x", ok: true } }).reason).toBe("metaWizard.error.finished");
      expect(refusal(at("reconnect"), { type: "finish", at: AT }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("back", () => {
    it("goes back to an earlier choice before anything changed", () => {
      expect(run(at("pages"), { type: "back", to: "instagram" }).step).toBe("instagram");
      expect(run(at("permissions"), { type: "back", to: "pages" })).toMatchObject({ step: "pages", permissions: undefined });
      expect(run(at("instagram"), { type: "back", to: "profile" }).step).toBe("profile");
    });
    it("is refused forwards, to connect, or after reconnect", () => {
      expect(refusal(at("instagram"), { type: "back", to: "pages" }).reason).toBe("metaWizard.error.wrongStep");
      expect(refusal(at("pages"), { type: "back", to: "connect" }).reason).toBe("metaWizard.error.wrongStep");
      expect(refusal(at("restart"), { type: "back", to: "pages" }).reason).toBe("metaWizard.error.wrongStep");
    });
  });

  describe("cancel", () => {
    it("cancels from any unfinished step; nothing moves after", () => {
      for (const step of ["connect", "profile", "permissions", "restart"] as const) {
        const s = run(at(step), { type: "cancel", at: AT });
        expect(s.cancelledAt).toBe(AT);
        expect(refusal(s, { type: "begin_oauth", rerequest: false, at: AT }).reason).toBe("metaWizard.error.cancelled");
      }
      expect(run(fresh(), { type: "cancel", at: AT }).cancelledAt).toBe(AT);
    });
    it("is refused once done", () => {
      expect(refusal(at("done"), { type: "cancel", at: AT }).reason).toBe("metaWizard.error.finished");
    });
  });

  it("a refusal leaves the state as it was; a later success clears the shown failure", () => {
    const s = at("profile");
    const failed = { ...s, failure: { step: "profile" as const, reason: "x" } };
    expect(run(failed, { type: "profile_confirmed" }).failure).toBeUndefined();
  });

  it("the stepper marks done, current and upcoming steps", () => {
    expect(stepperOf(at("pages")).map((s) => s.status)).toEqual(["done", "done", "done", "done", "current", "upcoming", "upcoming", "upcoming", "upcoming"]);
    expect(stepperOf(at("done")).every((s) => s.status === "done")).toBe(true);
  });
});
