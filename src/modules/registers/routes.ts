import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { buildRegister, MAX_ROWS, REGISTER_KINDS, type RegisterKind } from './build-register.js';
import { registerCsv, registerFilename } from './csv.js';
import { getDashboard } from './dashboard.js';
import { renderRegisterPdf } from './pdf.js';
import * as S from './schemas.js';

/** A PDF is built in memory, ~25 rows a page: past this many rows, CSV is the format to use. */
export const MAX_PDF_ROWS = 5_000;

const Day = Type.String({ maxLength: 32, description: 'YYYY-MM-DD (giờ Việt Nam, tính cả ngày này)' });
const RegisterQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')], { default: 'json' })),
  },
);
const RegisterBody = Type.Object({
  register: Type.Object({
    title: Type.String(),
    unit: Type.Object({ id: Type.String(), name: Type.String() }),
    from: Type.String(),
    to: Type.String(),
    columns: Type.Array(Type.String()),
    rows: Type.Array(Type.Array(Type.String())),
  }),
});
const Count = Type.Integer({ minimum: 0 });
const DashboardBody = Type.Object({
  today: Type.String(),
  received: Count,
  unread: Count,
  unaccepted: Count,
  overdue: Count,
  flashPending: Count,
  signedShare: Type.Object({ issued: Count, signed: Count, share: Type.Number() }),
});

const SUMMARIES: Record<RegisterKind, string> = {
  outgoing: 'Sổ đăng ký văn bản đi (json, csv, pdf)',
  incoming: 'Sổ đăng ký văn bản đến (json, csv, pdf)',
  'follow-up': 'Sổ theo dõi giải quyết văn bản đến (json, csv, pdf)',
};

export async function registerRoutes(app: App, deps: Deps) {
  const tags = ['registers'];
  for (const kind of REGISTER_KINDS) {
    app.get(
      `/api/registers/${kind}`,
      {
        schema: {
          tags, security: Security, summary: SUMMARIES[kind], querystring: RegisterQuery,
          response: {
            200: {
              content: {
                'application/json': { schema: RegisterBody },
                'text/csv': { schema: Type.Unsafe<Readable>({ type: 'string', description: 'UTF-8 with BOM, RFC 4180, CRLF' }) },
                'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
              },
            },
            ...S.Errors,
          },
        },
      },
      async (req, reply) => {
        const format = req.query.format ?? 'json';
        const register = await buildRegister(deps, req.actor, kind, req.query, format === 'pdf' ? MAX_PDF_ROWS : MAX_ROWS);
        if (format === 'json') {
          const { title, unit, from, to, columns, rows } = register;
          return { register: { title, unit, from, to, columns, rows } };
        }
        reply
          .header('content-disposition', `attachment; filename*=UTF-8''${registerFilename(register, format)}`)
          .header('cache-control', 'private, no-store');
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(Readable.from(registerCsv(register)));
        return reply.type('application/pdf').send(Buffer.from(await renderRegisterPdf(register, deps.clock())));
      },
    );
  }

  app.get(
    '/api/dashboard',
    { schema: { tags, security: Security, summary: 'Số liệu của đơn vị: văn bản đến, quá hạn, tỷ lệ ký số', response: { 200: DashboardBody, ...S.Errors } } },
    async (req) => getDashboard(deps, req.actor),
  );
}
