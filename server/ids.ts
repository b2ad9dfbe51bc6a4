const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are checked before they reach a uuid column, so a bad one is a 404, not a database error. */
export const isUuid = (value: string) => UUID.test(value);
