import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { lit, OneOf, Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { buildRegister, MAX_ROWS, type Register, REGISTER_KINDS, type RegisterKind } from './build-register.js';
import { registerCsv, registerFilename } from './csv.js';
import { getDashboard } from './dashboard.js';
import { renderRegisterPdf } from './pdf.js';
import { listSecretEntries, presentSecretEntry, registerSecretEntry, secretRegister, SECRET_LEVELS } from './secret.js';
import { getUser } from '../orgs/users.js';
import { SECRET_DIRECTIONS } from './tables.js';
import { URGENCIES } from '../documents/tables.js';
import type { FastifyReply } from 'fastify';
import * as S from './schemas.js';

/** A PDF is built in memory, ~25 rows a page: past this many rows, CSV is the format to use. */
export const MAX_PDF_ROWS = 5_000;

const Day = Type.String({ maxLength: 32, description: 'YYYY-MM-DD (giờ Việt Nam, tính cả ngày này)' });
const RegisterQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')], { default: 'json' })),
    unitId: Type.Optional(Type.String({ maxLength: 64, description: 'a unit merged into the caller\'s (its registers passed to its successor); default: the caller\'s unit' })),
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

const Str = (maxLength: number, description: string) => Type.String({ maxLength, description });
const Opt = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const SecretEntryBody = Type.Object(
  {
    direction: Str(20, 'incoming (văn bản mật đến) | outgoing (văn bản mật đi)'),
    type: Str(20, 'loại văn bản (ký hiệu: QĐ, CV, KL …); văn bản đi: theo danh mục của đơn vị (Đảng/Nhà nước)'),
    subject: Str(2000, 'trích yếu, 1–500 ký tự'),
    counterpart: Str(2000, 'đi: nơi nhận; đến: tác giả (cơ quan gửi); 1–500 ký tự'),
    secrecy: Str(20, SECRET_LEVELS.join(' | ')),
    urgency: Type.Optional(Str(20, URGENCIES.join(' | '))),
    notation: Opt(Str(200, 'văn bản đến: số, ký hiệu như in trên văn bản (≤ 64); văn bản đi: do sổ cấp, không nhập')),
    signedOn: Opt(Str(32, 'YYYY-MM-DD: ngày tháng văn bản (đi: mặc định ngày vào sổ)')),
    signerName: Opt(Str(400, 'người ký (≤ 200)')),
    // No null here: with type coercion a 0 would pass as null.
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'số lượng bản' })),
    holder: Opt(Str(600, 'đi: đơn vị, người nhận bản lưu; đến: đơn vị hoặc người nhận (≤ 300)')),
    note: Opt(Str(4000, 'ghi chú (≤ 2000)')),
  },
  { additionalProperties: false, description: 'Metadata only: a secret document is never uploaded (no file, no content).' },
);
const SecretEntry = Type.Object({
  id: Type.String(),
  direction: OneOf(SECRET_DIRECTIONS),
  number: Type.Integer({ description: 'số (đi) or số đến (đến), in the register’s own series per unit, direction and year' }),
  notation: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  typeName: Type.String(),
  subject: Type.String(),
  counterpart: Type.String(),
  secrecy: OneOf(SECRET_LEVELS, { description: 'confidential (Mật), secret (Tối mật), top_secret (Tuyệt mật)' }),
  urgency: OneOf(URGENCIES),
  signedOn: Type.Union([Type.String(), Type.Null()]),
  signerName: Type.Union([Type.String(), Type.Null()]),
  copies: Type.Union([Type.Integer(), Type.Null()]),
  holder: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  registeredAt: Type.String(),
  registeredBy: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
});
const SecretQuery = Type.Object({
  ...RegisterQuery.properties,
  direction: Type.Optional(lit(SECRET_DIRECTIONS)),
});
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
        return sendFile(reply, register, format);
      },
    );
  }

  /** A register as CSV or PDF, as a download. */
  const sendFile = async (reply: FastifyReply, register: Register, format: 'csv' | 'pdf') => {
    reply
      .header('content-disposition', `attachment; filename*=UTF-8''${registerFilename(register, format)}`)
      .header('cache-control', 'private, no-store');
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(Readable.from(registerCsv(register)));
    return reply.type('application/pdf').send(Buffer.from(await renderRegisterPdf(register, deps.clock())));
  };

  app.post(
    '/api/registers/secret',
    {
      schema: {
        tags, security: Security, body: SecretEntryBody,
        summary: 'Vào sổ văn bản mật (văn thư): chỉ thông tin, không tệp; số theo sổ mật riêng của đơn vị',
        response: { 201: Type.Object({ entry: SecretEntry }), ...S.Errors },
      },
    },
    async (req, reply) => {
      const row = await registerSecretEntry(deps, req.actor, req.body);
      const by = await getUser(deps.db, req.actor.userId);
      return reply.code(201).send({ entry: presentSecretEntry(row, by?.fullName ?? null) });
    },
  );

  app.get(
    '/api/registers/secret',
    {
      schema: {
        tags, security: Security, querystring: SecretQuery,
        summary: 'Sổ văn bản mật của đơn vị (văn thư, lãnh đạo) — json, csv, pdf',
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({ register: RegisterBody.properties.register, entries: Type.Array(SecretEntry) }) },
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
      const { unit, range, entries } = await listSecretEntries(deps, req.actor, req.query, format === 'pdf' ? MAX_PDF_ROWS : MAX_ROWS);
      const register = secretRegister({ unit: { id: unit.id, name: unit.name }, from: range.from, to: range.to, direction: req.query.direction, entries });
      if (format === 'json') {
        const { title, from, to, columns, rows } = register;
        return { register: { title, unit: register.unit, from, to, columns, rows }, entries };
      }
      return sendFile(reply, register, format);
    },
  );

  app.get(
    '/api/dashboard',
    { schema: { tags, security: Security, summary: 'Số liệu của đơn vị: văn bản đến, quá hạn, tỷ lệ ký số', response: { 200: DashboardBody, ...S.Errors } } },
    async (req) => getDashboard(deps, req.actor),
  );
}
