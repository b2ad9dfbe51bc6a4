import type { ReactNode } from "react";

/** A refusal in words, announced at once to screen readers: the one look of "this did not work" on every form. */
export function Refusal({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {children}
    </p>
  );
}
