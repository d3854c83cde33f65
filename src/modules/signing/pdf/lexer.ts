// Moved to src/lib/pdf/lexer.ts (a lower layer: documents checks uploads with the same reader).
export * from '../../../lib/pdf/lexer.js';
