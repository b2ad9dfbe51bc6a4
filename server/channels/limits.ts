/** Attachment size limits (F7, seed 001). Inbound: what we fetch; outbound: what we send. */
export const ATTACHMENT_LIMITS = {
  inbound: { image: 5 * 1024 * 1024, file: 20 * 1024 * 1024 },
  outbound: { image: 10 * 1024 * 1024, file: 50 * 1024 * 1024 },
} as const;

export function exceedsInboundLimit(kind: "image" | "file", sizeBytes: number | undefined): boolean {
  return sizeBytes !== undefined && sizeBytes > ATTACHMENT_LIMITS.inbound[kind];
}
