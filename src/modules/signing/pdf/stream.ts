// Moved to src/lib/pdf/stream.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/stream.js';
