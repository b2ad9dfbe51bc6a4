// Every page gets a Content-Security-Policy with a fresh nonce (Next.js puts it on its own scripts); webhook
// paths with a channel id of any bytes that is not a uuid get 404 before routing.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/server/env.js";
import { realtimeConnectSources } from "~/server/realtime/config";
import { contentSecurityPolicy } from "~/server/security-headers.js";
import { webhookNotFound, webhookPathProblem } from "~/server/webhooks/route-guard";

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) {
    const reason = webhookPathProblem(pathname);
    return reason ? webhookNotFound(reason) : undefined;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy({ nonce, connectSources: realtimeConnectSources(), development: env().NODE_ENV === "development" });
  // Next.js reads the nonce from the request's policy and adds it to the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    // The webhook routes; the Meta route itself (no sub-path) never passes through here.
    "/api/webhooks/telegram/:path*",
    "/api/webhooks/vk/:path*",
    "/api/webhooks/meta/:path+",
    // Pages: everything but the API, build assets and files in public/ (they get the static headers of next.config).
    { source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)" },
  ],
};
