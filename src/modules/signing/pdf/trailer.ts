// Moved to src/lib/pdf/trailer.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/trailer.js';
