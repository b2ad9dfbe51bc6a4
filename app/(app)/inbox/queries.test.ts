import { QueryClient, type InfiniteData } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "~/server/api/root";
import { keepNewestThreadPage, newestPage, threadQuery } from "./queries";

type ThreadPage = inferRouterOutputs<AppRouter>["inbox"]["thread"];

function setup() {
  const queryClient = new QueryClient();
  // Never asked anything: the proxy only names the queries' keys.
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "http://127.0.0.1:9/api/trpc",
        transformer: superjson,
      }),
    ],
  });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
  const { queryKey } = threadQuery(trpc, "c1");
  const page = (n: number) =>
    ({
      olderCursor: `cursor-${n}`,
      messages: [{ id: `m${n}` }],
    }) as unknown as ThreadPage;
  const pages = (n: number): InfiniteData<ThreadPage, string | null> => ({
    pages: Array.from({ length: n }, (_, i) => page(i)),
    pageParams: Array.from({ length: n }, (_, i) => (i === 0 ? null : `cursor-${i - 1}`)),
  });
  return { queryClient, trpc, queryKey, pages };
}

describe("a closed thread's cache", () => {
  it("keeps its newest page only, with its page parameter", () => {
    const data = {
      pages: ["newest", "older", "oldest"],
      pageParams: [null, "a", "b"],
    };
    expect(newestPage(data)).toEqual({ pages: ["newest"], pageParams: [null] });
    const one = { pages: ["newest"], pageParams: [null] };
    expect(newestPage(one)).toBe(one);
  });

  it("drops the older pages read, and keeps when it was fetched", () => {
    const { queryClient, trpc, queryKey, pages } = setup();
    queryClient.setQueryData(queryKey, pages(3), { updatedAt: 1_000 });
    keepNewestThreadPage(queryClient, trpc, "c1");
    const state = queryClient.getQueryState(queryKey)!;
    expect(state.data?.pages.map((p) => p.olderCursor)).toEqual(["cursor-0"]);
    expect(state.data?.pageParams).toEqual([null]);
    expect(state.dataUpdatedAt).toBe(1_000);
    expect(state.isInvalidated).toBe(false);
  });

  it("stays invalidated when a live event marked it so", async () => {
    const { queryClient, trpc, queryKey, pages } = setup();
    queryClient.setQueryData(queryKey, pages(2));
    await queryClient.invalidateQueries({ queryKey, refetchType: "none" });
    keepNewestThreadPage(queryClient, trpc, "c1");
    const state = queryClient.getQueryState(queryKey)!;
    expect(state.data?.pages).toHaveLength(1);
    expect(state.isInvalidated).toBe(true);
  });

  it("leaves other threads as they are", () => {
    const { queryClient, trpc, pages } = setup();
    const other = threadQuery(trpc, "c2").queryKey;
    queryClient.setQueryData(other, pages(3));
    keepNewestThreadPage(queryClient, trpc, "c1");
    expect(queryClient.getQueryData(other)?.pages).toHaveLength(3);
  });
});
