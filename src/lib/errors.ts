/** The few error codes clients see (docs/api.md), with their HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** A message in both languages the app speaks; Vietnamese is the default. */
export interface Message {
  vi: string;
  en: string;
}

/** A failure caused by the request, never by the server. Services throw it; one handler maps it to HTTP. */
/** One of several problems of a request reported at once (a reorganisation plan: every bad row). */
export interface Problem {
  /** The row (0-based) of a list the request carried, or -1 for the request as a whole. */
  index: number;
  field: string;
  message: Message;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly text: Message,
    /** Every problem, when the request has several (sent as `error.problems`). */
    readonly problems?: Problem[],
  ) {
    super(text.en);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (vi: string, en: string) => new AppError('bad_request', { vi, en });
export const notFound = (vi: string, en: string) => new AppError('not_found', { vi, en });
export const conflict = (vi: string, en: string) => new AppError('conflict', { vi, en });
export const forbidden = (vi: string, en: string) => new AppError('forbidden', { vi, en });
export const unprocessable = (vi: string, en: string) => new AppError('unprocessable', { vi, en });
export const unauthorized = (vi: string, en: string) => new AppError('unauthorized', { vi, en });

/** The same 404 for "does not exist" and "not yours", so ids of other units' documents leak nothing. */
export const documentNotFound = () => notFound('Không tìm thấy văn bản', 'Document not found');
export const deliveryNotFound = () => notFound('Không tìm thấy văn bản đến', 'Delivery not found');
