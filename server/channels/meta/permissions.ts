/**
 * The permissions Switchboard asks Facebook for (protocols/meta.md §4.1), in the order the wizard shows them.
 * Each one's "what breaks without it" is a catalog sentence: metaWizard.permission.<name>.breaks.
 */
export const REQUIRED_PERMISSIONS = [
  "pages_messaging",
  "pages_manage_metadata",
  "pages_show_list",
  "pages_read_engagement",
  "instagram_basic",
  "instagram_manage_messages",
  "business_management",
] as const;

export type RequiredPermission = (typeof REQUIRED_PERMISSIONS)[number];

export function isRequiredPermission(value: string): value is RequiredPermission {
  return (REQUIRED_PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Which ticked accounts a permission must be granted for (debug_token granular_scopes target_ids): Page
 * permissions per Page, Instagram permissions per Instagram account. business_management applies to the
 * businesses, not to single accounts, so it has no per-account coverage.
 */
export function coverageKind(permission: RequiredPermission): "page" | "instagram" | null {
  if (permission.startsWith("pages_")) return "page";
  if (permission.startsWith("instagram_")) return "instagram";
  return null;
}

/** Page tasks that let a profile answer messages (the docs name MESSAGE, the API says MESSAGING; §4.1). */
export const MESSAGING_TASKS = ["MESSAGING", "MESSAGE", "MODERATE", "MANAGE"] as const;

export function canMessage(tasks: readonly string[]): boolean {
  return tasks.some((task) => (MESSAGING_TASKS as readonly string[]).includes(task.toUpperCase()));
}

/** The messaging webhook fields a Page is subscribed to (§1.4, §3.2 prerequisites). */
export const SUBSCRIBED_FIELDS = [
  "messages",
  "messaging_postbacks",
  "message_echoes",
  "message_deliveries",
  "message_reads",
  "message_reactions",
  "messaging_handovers",
  "standby",
] as const;

/** Page Inbox (Meta Business Suite) app ids: the 15-digit one and the 14-digit variant of the echo docs (§3.5). */
export const PAGE_INBOX_APP_IDS = ["263902037430900", "26390203743090"] as const;
/** The Instagram Inbox app id (§3.3). */
export const INSTAGRAM_INBOX_APP_ID = "1217981644879628";

/** An app installed on a Page, as GET /{page-id}/subscribed_apps names it. */
export type PageApp = { id: string; name: string };

/**
 * The apps other than ours that receive a Page's messages (subscribed with a messaging field): under handover
 * (protocols/meta.md §3) such an app, the Page's bot, may own its threads and answer first.
 */
export function otherMessagingApps(apps: readonly { id: string; name: string; fields: readonly string[] }[], ourAppId: string | undefined): PageApp[] {
  return apps
    .filter((a) => a.id && a.id !== ourAppId && a.fields.some((f) => f === "messages" || f === "standby" || f.startsWith("messaging_")))
    .map((a) => ({ id: a.id, name: a.name }));
}
