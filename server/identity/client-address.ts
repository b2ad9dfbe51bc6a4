import { env } from "../env.js";

/**
 * Set by `npm start`'s web server from the socket on every request (any value a client sent is replaced), so
 * that route handlers, which never see the socket, know who connected.
 */
export const PEER_ADDRESS_HEADER = "x-switchboard-peer";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client's address for throttling. Behind TRUSTED_PROXY_HOPS proxies of yours it is the entry that the
 * outermost one appended to X-Forwarded-For (entries further left were written by the client and prove nothing);
 * with no proxy it is the socket's address, and X-Forwarded-For is ignored.
 */
export function clientAddress(headers: HeaderBag, hops = env().TRUSTED_PROXY_HOPS): string {
  if (hops > 0) {
    const chain = (header(headers, "x-forwarded-for") ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    const entry = chain[chain.length - hops];
    if (entry) return normalize(entry);
  }
  const peer = header(headers, PEER_ADDRESS_HEADER);
  return peer ? normalize(peer) : "unknown";
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client; the value is a key, so it is bounded. */
function normalize(address: string): string {
  return address.replace(/^::ffff:/i, "").slice(0, 64);
}
