/** The doorbell of the history-recovery jobs (server/jobs/history-recoveries.ts): a reconnect that queued a recovery rings it. */
import { rowJobWake } from "./row-job-wake";

const wake = rowJobWake("recover-channel-history", "channels.recovery_wake_failed");
export const setHistoryRecoveryWake = wake.set;
export const wakeHistoryRecovery = wake.ring;
