import { Suspense } from "react";
import { Inbox } from "./inbox";

export default function InboxPage() {
  return (
    <Suspense>
      <Inbox />
    </Suspense>
  );
}
