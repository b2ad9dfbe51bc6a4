import type { DbOrTx } from "../../db";
import type { Role } from "../identity/session-user";

/** Who is acting: travels with every service call so verbs can authorize and audit. */
export type Actor =
  | { kind: "user"; userId: string; role: Role }
  | { kind: "webhook"; provider: string }
  | { kind: "job"; name: string };

/** Every service call is scoped to one company: every query filters on companyId. */
export type ServiceContext = { db: DbOrTx; companyId: string; actor: Actor };
