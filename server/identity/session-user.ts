/** Who is signed in, as every request sees them (re-read from the database on each request). */
export type Role = "admin" | "operator";
export type SessionUser = { id: string; companyId: string; role: Role; name: string; email: string; locale?: string };
