// Moved to src/lib/pdf/xref.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/xref.js';
