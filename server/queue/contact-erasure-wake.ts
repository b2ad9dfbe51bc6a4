/** The doorbell of the contact-erasure jobs (server/jobs/contact-erasures.ts): a request rings it so the job starts now. */
import { rowJobWake } from "./row-job-wake";

const wake = rowJobWake("erase-contact", "contacts.erasure_wake_failed");
export const setContactErasureWake = wake.set;
export const wakeContactErasure = wake.ring;
