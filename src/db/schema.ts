// drizzle-kit and the drizzle client read every table from here; tables live with their module.
export * from '../modules/orgs/tables.js';
export * from '../modules/documents/tables.js';
export * from '../modules/dispatch/tables.js';
export * from '../modules/events/tables.js';
export * from '../modules/signing/tables.js';
export * from '../modules/realtime/tables.js';
export * from '../modules/handling/tables.js';
export * from '../modules/exchange/tables.js';
export * from '../modules/axis/tables.js';
export * from '../modules/auth/tables.js';
export * from '../modules/audit/tables.js';
export * from '../modules/registers/tables.js';
export * from '../modules/meetings/tables.js';
