"use client";
import { createContext, useContext, type ReactNode } from "react";

/** Who is signed in, for what the browser keeps per person (drafts). Set by the signed-in layout. */
const ViewerContext = createContext<string | null>(null);

export function ViewerProvider({ userId, children }: { userId: string; children: ReactNode }) {
  return <ViewerContext.Provider value={userId}>{children}</ViewerContext.Provider>;
}

/** The signed-in person's user id; throws outside the signed-in pages. */
export function useViewerId(): string {
  const id = useContext(ViewerContext);
  if (!id) throw new Error("useViewerId outside ViewerProvider");
  return id;
}
