/** What a Meta channel keeps sealed in channels.credentials. */
export type MetaCredentials = { pageToken: string };
