import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { demoUnits, demoUsers, DEMO_PASSWORD, type UnitSeed } from '../src/workflows/demo/demo-district.js';
import { orderParentsFirst, parseUnitsCsv } from '../src/cli/units-csv.js';

test('demoUnits: size, unique well-formed codes, parents first', () => {
  const units = demoUnits();
  assert.ok(units.length >= 125 && units.length <= 135, `unit count ${units.length}`);
  const seen = new Set<string>();
  for (const u of units) {
    assert.match(u.code, /^[0-9A-Za-z.]{1,35}$/);
    assert.ok(!seen.has(u.code), `duplicate code ${u.code}`);
    if (u.parentCode !== null) assert.ok(seen.has(u.parentCode), `parent of ${u.code} must come earlier`);
    seen.add(u.code);
    assert.ok(u.name.length > 0 && u.name.length <= 255);
    assert.ok(u.shortName.length > 0 && u.shortName.length <= 12, `shortName ${u.shortName}`);
  }
  assert.deepEqual(demoUnits(), units, 'deterministic');
});

test('demoUnits: plausible shape of the district', () => {
  const units = demoUnits();
  const byCode = new Map(units.map((u) => [u.code, u]));
  const count = (k: UnitSeed['kind']) => units.filter((u) => u.kind === k).length;
  const ubnd = units.find((u) => u.name === 'Ủy ban nhân dân huyện Sơn Hà');
  const hu = units.find((u) => u.name === 'Huyện ủy Sơn Hà');
  assert.ok(ubnd && hu);
  assert.equal(ubnd.code, '000.00.31.H41');
  assert.equal(hu.shortName, 'HU');
  const communeUbnd = units.filter((u) => u.kind === 'government' && u.parentCode === ubnd.code);
  const communeParty = units.filter((u) => u.shortName === 'ĐU' && u.parentCode === hu.code);
  assert.ok(communeUbnd.length >= 16, `commune UBND ${communeUbnd.length}`);
  assert.equal(communeParty.length, communeUbnd.length);
  assert.ok(count('school') >= 76, `schools ${count('school')}`);
  assert.equal(count('council'), 1);
  assert.ok(units.filter((u) => u.parentCode === ubnd.code && u.kind !== 'government').length >= 15);
  const gddt = units.find((u) => u.shortName === 'GDĐT');
  assert.ok(gddt);
  for (const s of units.filter((u) => u.kind === 'school')) {
    assert.equal(s.parentCode, gddt.code);
    assert.match(s.name, /^Trường /);
  }
  for (const short of ['BTCHU', 'VP', 'NV', 'TCKH', 'YT', 'TP', 'TNMT', 'KTHT', 'TTr', 'HĐND']) {
    assert.ok(units.some((u) => u.shortName === short), short);
  }
  assert.ok(units.some((u) => u.name === 'Trường Tiểu học Sơn Tây' && u.shortName === 'THST'));
  assert.equal(byCode.size, units.length);
});

test('demoUsers: unique ASCII usernames referencing existing units', () => {
  const codes = new Set(demoUnits().map((u) => u.code));
  const users = demoUsers();
  assert.equal(new Set(users.map((u) => u.username)).size, users.length);
  for (const u of users) {
    assert.match(u.username, /^[a-z0-9.]+$/);
    assert.ok(codes.has(u.unitCode), `${u.username} -> ${u.unitCode}`);
    assert.ok(u.roles.length > 0 && u.fullName.length > 0 && u.title.length > 0);
  }
  const find = (n: string) => users.find((u) => u.username === n);
  assert.deepEqual(find('vanthu.ubnd')?.roles, ['clerk']);
  assert.deepEqual(find('lanhdao.ubnd')?.roles, ['leader']);
  assert.deepEqual(find('hieutruong.thsontay')?.roles, ['clerk', 'leader']);
  for (const n of ['pho.ubnd', 'chuyenvien.ubnd', 'vanthu.hu', 'bithu.hu', 'truongphong.gddt', 'chuyenvien.gddt', 'vanthu.gddt']) {
    assert.ok(find(n), n);
  }
  assert.ok(users.filter((u) => u.username.startsWith('chutich.')).length >= 2);
  assert.equal(DEMO_PASSWORD, 'lienthong-demo');
});

const GOOD_CSV =
  '\uFEFFCode , Name,Short_Name,KIND,parent_code\n' +
  '000.00.31.H41,"Ủy ban nhân dân huyện Sơn Hà",UBND,government,\n' +
  '000.01.31.H41,"Văn phòng HĐND và UBND, huyện Sơn Hà",VP,Department,000.00.31.H41\n' +
  '\n' +
  '001.04.31.H41,"Trường Tiểu học ""Kim Đồng""\nSơn Hà",THKĐ,school,000.04.31.H41\n' +
  '000.31.31.H41,  Ủy ban nhân dân xã Sơn Tây  ,UBND,government,000.00.31.H41\n';

test('parseUnitsCsv: accepts a good CSV with BOM, quotes, commas and diacritics', async () => {
  const progress: number[] = [];
  const { rows, rejected } = await parseUnitsCsv(GOOD_CSV, (n) => progress.push(n));
  assert.deepEqual(rejected, []);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0], { code: '000.00.31.H41', name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND', kind: 'government', parentCode: null });
  assert.equal(rows[1]!.name, 'Văn phòng HĐND và UBND, huyện Sơn Hà');
  assert.equal(rows[1]!.kind, 'department');
  assert.equal(rows[2]!.name, 'Trường Tiểu học "Kim Đồng"\nSơn Hà');
  assert.equal(rows[2]!.parentCode, '000.04.31.H41', 'unknown parent is not rejected here');
  assert.equal(rows[3]!.name, 'Ủy ban nhân dân xã Sơn Tây');
  assert.deepEqual(progress, [1, 2, 3, 4]);
});

test('parseUnitsCsv: accepts camelCase headers and a stream input', async () => {
  const csv = 'code,name,shortName,kind,parentCode\n000.00.31.H41,UBND huyện,UBND,government,\n';
  const { rows } = await parseUnitsCsv(Readable.from([Buffer.from(csv.slice(0, 20)), Buffer.from(csv.slice(20))]));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.shortName, 'UBND');
});

test('parseUnitsCsv: rejects bad rows with their line numbers', async () => {
  const csv = [
    'code,name,short_name,kind,parent_code', // 1
    '000.00.31.H41,Ủy ban nhân dân huyện Sơn Hà,UBND,government,', // 2 ok
    ',Phòng Nội vụ,NV,department,000.00.31.H41', // 3 missing code
    '000.02.31.H41,Phòng Tư pháp,TP,ministry,000.00.31.H41', // 4 bad kind
    '000.00.31.H41,Trùng mã,X,government,', // 5 duplicate of line 2
    `${'1'.repeat(36)},Quá dài,QD,other,`, // 6 code too long
    '000.03.31.H41,Phòng Y tế,YT,department,000.00.31.H41', // 7 ok
    '000.04.31.H41,Tên có "dấu nháy" lạ,X,other,', // 8 ok: stray quotes kept as text
    '000.05.31.H41,"Không đóng nháy,X,other,', // 9 malformed: quote never closed
    '000.06.31.H41,Nuốt mất,X,other,', // 10 swallowed by the open quote
  ].join('\n');
  const { rows, rejected } = await parseUnitsCsv(csv);
  assert.deepEqual(rows.map((r) => r.code), ['000.00.31.H41', '000.03.31.H41', '000.04.31.H41']);
  assert.equal(rows[2]!.name, 'Tên có "dấu nháy" lạ');
  const byLine = new Map(rejected.map((r) => [r.line, r]));
  assert.match(byLine.get(3)!.reason, /missing code/);
  assert.match(byLine.get(3)!.reason, /Thiếu mã định danh/);
  assert.match(byLine.get(4)!.reason, /invalid kind/);
  assert.match(byLine.get(5)!.reason, /duplicate code.*line 2/);
  assert.match(byLine.get(6)!.reason, /longer than 35/);
  assert.match(byLine.get(9)!.reason, /malformed CSV/);
  assert.match(byLine.get(9)!.raw, /^000\.05\.31\.H41,"Không đóng nháy/);
  assert.equal(byLine.get(4)!.raw, '000.02.31.H41,Phòng Tư pháp,TP,ministry,000.00.31.H41');
  assert.equal(rejected.length, 5);
});

test('parseUnitsCsv: missing header columns is an error', async () => {
  await assert.rejects(parseUnitsCsv('code,name\n1,a\n'), /short_name|shortName/i);
  await assert.rejects(parseUnitsCsv(''), /missing header/);
});

const seed = (code: string, parentCode: string | null): UnitSeed => ({ code, name: code, shortName: code, kind: 'other', parentCode });

test('orderParentsFirst: children after parents, stable otherwise, cycles reported', () => {
  const rows = [
    seed('c', 'b'), seed('x', null), seed('b', 'a'), seed('a', null), seed('o', 'outside'),
    seed('p', 'q'), seed('q', 'p'), seed('r', 'p'), seed('s', 's'),
  ];
  const { ordered, cyclic } = orderParentsFirst(rows);
  assert.deepEqual(ordered.map((r) => r.code), ['a', 'b', 'c', 'x', 'o']);
  assert.deepEqual(cyclic.map((r) => r.code), ['p', 'q', 'r', 's']);
  const demo = demoUnits();
  assert.deepEqual(orderParentsFirst([...demo].reverse()).ordered.length, demo.length);
  const pos = new Map(orderParentsFirst([...demo].reverse()).ordered.map((u, i) => [u.code, i]));
  for (const u of demo) if (u.parentCode) assert.ok(pos.get(u.parentCode)! < pos.get(u.code)!);
});
