"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "~/server/api/root";
import { translator, type Catalog, type Locale, type Translate } from "~/server/i18n";
import { isUnauthorized, leaveEndedSession } from "../_lib/session-ended";
import { TRPCProvider } from "../_lib/trpc";

const I18nContext = createContext<{ t: Translate; locale: Locale } | null>(null);

export function useT(): Translate {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useT outside Providers");
  return value.t;
}

export function useLocale(): Locale {
  return useContext(I18nContext)?.locale ?? "en";
}

export function Providers({ children, messages, locale }: { children: ReactNode; messages: Catalog; locale: Locale }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        // A session that ended on the server (elsewhere) sends the page to sign-in rather than showing errors.
        queryCache: new QueryCache({ onError: (error) => isUnauthorized(error) && leaveEndedSession() }),
        mutationCache: new MutationCache({ onError: (error) => isUnauthorized(error) && leaveEndedSession() }),
        defaultOptions: { queries: { staleTime: 5_000, retry: (count, error) => !isUnauthorized(error) && count < 1 } },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })] }),
  );
  const i18n = useMemo(() => ({ t: translator(messages, locale), locale }), [messages, locale]);
  return (
    <I18nContext.Provider value={i18n}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </I18nContext.Provider>
  );
}
