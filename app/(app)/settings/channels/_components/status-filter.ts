/** The status filter of Settings → Channels (F4): "default" hides stopped channels. Shared by the page and the list. */
export type StatusFilter = "default" | "active" | "disconnected" | "stopped" | "all";
export const STATUS_FILTERS: StatusFilter[] = ["default", "active", "disconnected", "stopped", "all"];

export function statusFilterFrom(value: string | undefined): StatusFilter {
  return (STATUS_FILTERS as string[]).includes(value ?? "") ? (value as StatusFilter) : "default";
}
