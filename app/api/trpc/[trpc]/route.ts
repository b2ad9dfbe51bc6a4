// tRPC over the fetch adapter; the context carries the signed-in user re-read from the database.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createContextFor } from "~/server/api/trpc";
import { getSessionUser } from "~/server/auth/options";
import { clientAddress } from "~/server/identity/client-address";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContextFor(await getSessionUser(), clientAddress(req.headers)),
  });

export { handler as GET, handler as POST };
