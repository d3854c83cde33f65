// Moved to src/lib/pdf/reader.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/reader.js';
