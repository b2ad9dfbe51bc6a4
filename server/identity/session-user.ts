/** Who is signed in, as every request sees them (re-read from the database through the session row). */
export type Role = "admin" | "operator";
export type SessionUser = { id: string; companyId: string; role: Role; name: string; email: string; locale?: string; sessionId?: string };
