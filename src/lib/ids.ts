const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else from a client is "not found" or a 400, never a database error. */
export const isUuid = (s: string): boolean => UUID.test(s);
