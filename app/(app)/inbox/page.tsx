import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { Suspense } from "react";
import { appRouter } from "~/server/api/root";
import { createContextFor } from "~/server/api/trpc";
import { getSessionUser } from "~/server/auth/options";
import { clientAddress } from "~/server/identity/client-address";
import { getT } from "../../_lib/i18n";
import { Inbox } from "./inbox";
import { inboxView, listQuery, threadQuery } from "./queries";

/** "Inbox · Switchboard": what the tab's unread count is put in front of — "(3) Inbox · Switchboard". */
export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("nav.inbox")} · ${t("app.name")}` };
}

/**
 * The inbox arrives with its data: the tabs' counts, the list's first page and, when the address names one, the
 * conversation's first page are read on the server through the same tRPC procedures and handed to the browser's
 * query cache, so the first rows paint with the HTML (no second request after hydration). Live updates and
 * paging then run in the browser as before.
 */
export default async function InboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, user, heads] = await Promise.all([searchParams, getSessionUser(), headers()]);
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: false } } });
  if (user) {
    const trpc = createTRPCOptionsProxy({ router: appRouter, ctx: () => createContextFor(user, clientAddress(heads)), queryClient });
    const { selected, tab, query } = inboxView((k) => {
      const v = params[k];
      return Array.isArray(v) ? v[0] : v;
    });
    await Promise.all([
      tab === "mentions" ? undefined : queryClient.prefetchInfiniteQuery(listQuery(trpc, query, tab)),
      queryClient.prefetchQuery(trpc.inbox.counts.queryOptions(query)),
      queryClient.prefetchQuery(trpc.inbox.options.queryOptions()),
      selected ? queryClient.prefetchInfiniteQuery(threadQuery(trpc, selected)) : undefined,
    ]);
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Suspense>
        <Inbox />
      </Suspense>
    </HydrationBoundary>
  );
}
