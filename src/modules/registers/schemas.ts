/** The registers' body schemas live in routes.ts (RegisterBody, DashboardBody); the shared pieces: */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';
