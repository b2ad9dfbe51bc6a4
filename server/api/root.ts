import { channelsRouter } from "./routers/channels";
import { inboxRouter } from "./routers/inbox";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  inbox: inboxRouter,
  channels: channelsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
