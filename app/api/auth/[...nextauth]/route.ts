// next-auth: credentials sign-in, JWT session carrying company and role.
import NextAuth from "next-auth";
import { authOptions } from "~/server/auth/options";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

const handler = (req: Request, ctx: RouteContext) => NextAuth(authOptions())(req, ctx);
export { handler as GET, handler as POST };
