import { eq } from "drizzle-orm";
import type { NextAuthOptions, Session } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cache } from "react";
import { z } from "zod";
import { db } from "../../db";
import { users } from "../../db/schema";
import { env } from "../env.js";
import { safeRedirectTarget } from "../safe-redirect";
import { markSignedInOnline, markSignedOutAway } from "../services/availability/availability";
import { endSession } from "../services/sessions/end-sessions";
import { readSessionEndReason, readSessionUser } from "../services/sessions/read-session-user";
import { startSession } from "../services/sessions/start-session";
import { clientAddress } from "../identity/client-address";
import { hashPassword, verifyPassword } from "../identity/password";
import { assertSignInAllowed, clearAccountFailures, recordSignInFailure, ThrottledError } from "../services/sessions/throttle";
import { logger } from "../log";

export type { Role, SessionUser } from "../identity/session-user";
import type { Role, SessionUser } from "../identity/session-user";

declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
  interface User {
    companyId: string;
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    companyId?: string;
    role?: Role;
    /** The auth_sessions row: checked on every request, so ending it ends the session at once. */
    sid?: string;
  }
}

const credentials = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1).max(1024) });

// Verifying against a real hash when the user does not exist keeps timing from revealing which emails exist.
let decoyHash: Promise<string> | undefined;

/**
 * Checks an email and password. Throttled per account and per client (`client`: the address from
 * clientAddress): once either has used up its attempts, every answer is ThrottledError until the window passes,
 * whether the password is right or not and whether the account exists or not.
 */
export async function authenticate(input: unknown, client = "unknown"): Promise<SessionUser | null> {
  const parsed = credentials.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  await assertSignInAllowed(email, client);
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  // Unknown, deactivated, or invited but without a password yet: same answer, same time.
  let ok = false;
  if (!user || !user.passwordHash || user.deactivatedAt) {
    decoyHash ??= hashPassword("decoy-password");
    await verifyPassword(await decoyHash, password);
  } else {
    ok = await verifyPassword(user.passwordHash, password);
  }
  if (!ok || !user) {
    await recordSignInFailure(email, client);
    return null;
  }
  await clearAccountFailures(email);
  return { id: user.id, companyId: user.companyId, role: user.role, name: user.name, email: user.email };
}

/** Built on first use, so that importing this module (e.g. during `next build`) never reads secrets. */
export function authOptions(): NextAuthOptions {
  return {
  secret: env().authSecret,
  // The cookie lives as long as the session may; the auth_sessions row decides whether it still counts.
  session: { strategy: "jwt", maxAge: env().SESSION_MAX_HOURS * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(input, req) {
        let user: SessionUser | null;
        try {
          user = await authenticate(input, clientAddress(req.headers ?? {}));
        } catch (error) {
          if (error instanceof ThrottledError) throw error;
          // next-auth would hand the message to the browser and log nothing: log it here, say nothing there.
          logger.error("auth.sign_in_failed", { error });
          throw new Error("unavailable");
        }
        return user ? { id: user.id, name: user.name, email: user.email, companyId: user.companyId, role: user.role } : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.companyId = user.companyId;
        token.role = user.role;
        token.sid = await startSession(db, { id: user.id, companyId: user.companyId });
        await markSignedInOnline(db, user.id);
      }
      return token;
    },
    // Only ever to this app: a callbackUrl naming another origin (or `/\host`, which browsers read as `//host`) lands on the inbox.
    redirect({ url, baseUrl }) {
      return safeRedirectTarget(url, baseUrl, "/inbox", "absolute");
    },
    session({ session, token }) {
      if (token.uid && token.companyId && token.role) {
        session.user = {
          id: token.uid,
          companyId: token.companyId,
          role: token.role,
          name: token.name ?? "",
          email: token.email ?? "",
          sessionId: token.sid,
        };
      }
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) await endSession(db, token.sid, "sign_out");
      if (token?.uid) await markSignedOutAway(db, token.uid);
    },
  },
  };
}

/**
 * The signed-in user, re-read with their session on every request: a session that ended (sign-out, password
 * change, deactivation, "sign out everywhere"), went idle or passed its absolute end gives null, as does a
 * deactivated or deleted user or a changed role's old view. Read once per server render: the layouts, the page
 * and the chosen language all ask, and React's `cache` lets them share one read (outside a render — route
 * handlers, tRPC — every call reads afresh).
 */
export const getSessionUser = cache(async function getSessionUser(): Promise<SessionUser | null> {
  const session: Session | null = await getServerSession(authOptions());
  const ids = session?.user;
  if (!ids?.id || !ids.sessionId) return null;
  return readSessionUser(db, { sessionId: ids.sessionId, userId: ids.id });
});

/** Why the session this browser's cookie names has ended (sign-in page: the words it shows), or null. */
export async function getEndedSessionReason() {
  const session: Session | null = await getServerSession(authOptions());
  const ids = session?.user;
  if (!ids?.id || !ids.sessionId) return null;
  return readSessionEndReason(db, { sessionId: ids.sessionId, userId: ids.id });
}
