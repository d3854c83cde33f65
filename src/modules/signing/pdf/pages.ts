// Moved to src/lib/pdf/pages.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/pages.js';
