import { eq } from "drizzle-orm";
import type { NextAuthOptions, Session } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cache } from "react";
import { z } from "zod";
import { db } from "../../db";
import { users } from "../../db/schema";
import { env } from "../env.js";
import { hashPassword, verifyPassword } from "../identity/password";
import type { Role, SessionUser } from "../identity/session-user";

export type { Role, SessionUser } from "../identity/session-user";

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
  }
}

const credentials = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1).max(1024) });

// Verifying against a real hash when the user does not exist keeps timing from revealing which emails exist.
let decoyHash: Promise<string> | undefined;

export async function authenticate(input: unknown): Promise<SessionUser | null> {
  const parsed = credentials.safeParse(input);
  if (!parsed.success) return null;
  const [user] = await db.select().from(users).where(eq(users.email, parsed.data.email)).limit(1);
  // Unknown, deactivated, or invited but without a password yet: same answer, same time.
  if (!user || !user.passwordHash || user.deactivatedAt) {
    decoyHash ??= hashPassword("decoy-password");
    await verifyPassword(await decoyHash, parsed.data.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
  return { id: user.id, companyId: user.companyId, role: user.role, name: user.name, email: user.email };
}

/** Built on first use, so that importing this module (e.g. during `next build`) never reads secrets. */
export function authOptions(): NextAuthOptions {
  return {
  secret: env().authSecret,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(input) {
        const user = await authenticate(input);
        return user ? { id: user.id, name: user.name, email: user.email, companyId: user.companyId, role: user.role } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.companyId = user.companyId;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.companyId && token.role) {
        session.user = {
          id: token.uid,
          companyId: token.companyId,
          role: token.role,
          name: token.name ?? "",
          email: token.email ?? "",
        };
      }
      return session;
    },
  },
  };
}

/**
 * The signed-in user, re-read from the database so a deleted user or a changed role takes effect at once
 * (the JWT alone would keep the old role until it expires). Read once per server render: the layouts, the page
 * and the chosen language all ask, and React's `cache` lets them share one read (outside a render — route
 * handlers, tRPC — every call reads afresh).
 */
export const getSessionUser = cache(async function getSessionUser(): Promise<SessionUser | null> {
  const session: Session | null = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!user || user.deactivatedAt) return null;
  return { id: user.id, companyId: user.companyId, role: user.role, name: user.name, email: user.email, locale: user.locale ?? undefined };
});
