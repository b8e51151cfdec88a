import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { and, eq } from 'drizzle-orm';
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, buildings, households, memberships, stairwells } from '@/db/schema';
import { ServiceError } from '@/server/services/shared/errors';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';
import { addMember, makeCommunity, makeUser } from '@/tests/helpers/fixtures';
import type { SessionUser } from '@/server/services/shared/context';

let database: Database;
let owner: SessionUser;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await makeUser(database.db, { name: '何红霞' });
});
afterAll(async () => {
  await database.close();
});

/** An empty compound run by `owner`. */
async function emptyCompound(): Promise<string> {
  const c = await makeCommunity(database.db, { buildings: 0 });
  await addMember(database.db, c.id, owner, 'owner');
  return c.id;
}

const EN = ['building', 'stairwell', 'floor', 'room', 'headcount', 'resident name', 'phone'];
const ZH = ['楼栋', '单元', '楼层', '房号', '人数', '姓名', '手机'];
const SURNAMES = '张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗';

/**
 * The compound of the article: 27 buildings × 5 stairwells = 135 stairwells, 1,506 households
 * (11 or 12 per stairwell, two per floor), one row per resident: every household has a resident
 * with a phone, every third a second one, every fifth an elder without a phone.
 */
function compoundRows(phonePrefix: string): { rows: string[][]; households: number; residents: number } {
  const rows: string[][] = [];
  let household = 0;
  let phone = 0;
  for (let s = 0; s < 135; s++) {
    const building = String(Math.floor(s / 5) + 1);
    const stairwell = String((s % 5) + 1);
    const count = s < 21 ? 12 : 11;
    for (let k = 0; k < count; k++) {
      household += 1;
      const floor = Math.floor(k / 2) + 1;
      const room = `${floor}0${(k % 2) + 1}`;
      const people: [string, string][] = [
        [`${SURNAMES[household % 20]}${household}`, `${phonePrefix}${String(++phone).padStart(8, '0')}`],
      ];
      if (household % 3 === 0)
        people.push([
          `${SURNAMES[(household + 7) % 20]}家${household}`,
          `${phonePrefix}${String(++phone).padStart(8, '0')}`,
        ]);
      if (household % 5 === 0) people.push([`${SURNAMES[(household + 3) % 20]}老${household}`, '']);
      for (const [name, tel] of people)
        rows.push([building, stairwell, String(floor), room, String(people.length + 1), name, tel]);
    }
  }
  return { rows, households: household, residents: rows.length };
}

const csvBase64 = (header: string[], rows: string[][]) =>
  Buffer.from(Papa.unparse([header, ...rows]), 'utf8').toString('base64');

async function xlsxBase64(header: string[], rows: (string | number)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

async function counts(communityId: string) {
  const db = database.db;
  return {
    buildings: await db.$count(buildings, eq(buildings.communityId, communityId)),
    stairwells: await db.$count(stairwells, eq(stairwells.communityId, communityId)),
    households: await db.$count(households, eq(households.communityId, communityId)),
    residents: await db.$count(
      memberships,
      and(eq(memberships.communityId, communityId), eq(memberships.role, 'resident')),
    ),
  };
}

async function rejection(
  p: Promise<unknown>,
): Promise<{ code: string; appCode: string; details?: Record<string, unknown> }> {
  const e = await p.then(
    () => expect.fail('expected a refusal'),
    (err: unknown) => err as TRPCError,
  );
  const cause = e.cause instanceof ServiceError ? e.cause : null;
  return { code: e.code, appCode: cause?.code ?? '', details: cause?.details };
}

describe('importing the whole compound (1,506 households)', () => {
  let communityId: string;
  const file = compoundRows('+86136');
  const fileBase64 = csvBase64(EN, file.rows);

  beforeAll(async () => {
    communityId = await emptyCompound();
  });

  it('previews a CSV without writing anything, then commits all of it', async () => {
    const caller = callerFor(database, owner);
    let t = performance.now();
    const preview = await caller.roster.previewImport({ communityId, fileName: 'roster.csv', fileBase64 });
    const previewMs = performance.now() - t;
    expect(preview.ok).toBe(true);
    expect(preview.format).toBe('csv');
    expect(preview.badRows).toEqual([]);
    expect(preview.summary).toMatchObject({
      rows: file.residents,
      invalidRows: 0,
      buildingsToCreate: 27,
      stairwellsToCreate: 135,
      householdsToCreate: 1506,
      residentsToAdd: file.residents,
      usersToCreate: file.residents,
    });
    expect(await counts(communityId)).toEqual({ buildings: 0, stairwells: 0, households: 0, residents: 0 });

    t = performance.now();
    const result = await caller.roster.commitImport({
      communityId,
      fileName: 'roster.csv',
      fileBase64,
      expectedSha256: preview.fileSha256,
      expectedSummary: { householdsToCreate: 1506, residentsToAdd: file.residents },
    });
    const commitMs = performance.now() - t;
    console.log(
      `[roster-import] ${testDriver()}: ${file.households} households / ${file.residents} rows — preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`,
    );
    expect(result.summary.householdsToCreate).toBe(1506);
    expect(await counts(communityId)).toEqual({
      buildings: 27,
      stairwells: 135,
      households: 1506,
      residents: file.residents,
    });
    expect(
      await database.db.$count(
        auditLog,
        and(eq(auditLog.communityId, communityId), eq(auditLog.action, 'roster.import')),
      ),
    ).toBe(1);

    // Route order follows the file: 1-1, 1-2 … 27-5.
    const board = await caller.roster.assignments({ communityId });
    expect(board.stairwells.slice(0, 6).map((s) => `${s.buildingNumber}-${s.number}`)).toEqual([
      '1-1',
      '1-2',
      '1-3',
      '1-4',
      '1-5',
      '2-1',
    ]);
    expect(board.stairwells.at(-1)).toMatchObject({ buildingNumber: '27', number: '5', routeOrder: 135 });
    // And the search finds what was imported, with the phone in E.164.
    const found = await caller.roster.search({ communityId, query: '3-2-201' });
    expect(found.households).toHaveLength(1);
    expect(found.households[0]!.residents[0]!.phone).toMatch(/^\+86136\d{8}$/);
  });

  it('imports the same file again as a no-op (a retried commit creates nothing twice)', async () => {
    const caller = callerFor(database, owner);
    const preview = await caller.roster.previewImport({ communityId, fileName: 'roster.csv', fileBase64 });
    expect(preview.ok).toBe(true);
    expect(preview.summary).toMatchObject({
      householdsToCreate: 0,
      householdsExisting: 1506,
      residentsToAdd: 0,
      residentsAlreadyThere: file.residents,
    });
    await caller.roster.commitImport({ communityId, fileName: 'roster.csv', fileBase64 });
    expect(await counts(communityId)).toEqual({
      buildings: 27,
      stairwells: 135,
      households: 1506,
      residents: file.residents,
    });
  });

  it('reports a row that contradicts a household already in the roster', async () => {
    const preview = await callerFor(database, owner).roster.previewImport({
      communityId,
      fileName: 'fix.csv',
      fileBase64: csvBase64(EN, [['3', '2', '4', '201', '9', '新人', '']]),
    });
    expect(preview.ok).toBe(false);
    expect(preview.badRows).toEqual([
      expect.objectContaining({
        line: 2,
        issues: [{ code: 'ROOM_CONFLICT', field: 'floor', existing: '2' }],
      }),
    ]);
  });

  it('refuses to commit a file other than the one previewed, or a roster that changed since', async () => {
    const caller = callerFor(database, owner);
    const other = csvBase64(EN, [['30', '1', '1', '101', '1', '新人', '']]);
    expect(
      await rejection(
        caller.roster.commitImport({
          communityId,
          fileName: 'x.csv',
          fileBase64: other,
          expectedSha256: 'a'.repeat(64),
        }),
      ),
    ).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'IMPORT_FILE_CHANGED' });
    expect(
      await rejection(
        caller.roster.commitImport({
          communityId,
          fileName: 'x.csv',
          fileBase64: other,
          expectedSummary: { householdsToCreate: 2 },
        }),
      ),
    ).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'IMPORT_CHANGED' });
    expect((await counts(communityId)).households).toBe(1506);
  });
});

describe('two commits of one file at once (a double tap, a retry after a lost answer)', () => {
  it('imports it once: the second finds everything there and creates nothing', async () => {
    const communityId = await emptyCompound();
    const rows = compoundRows('+86133').rows.slice(0, 40);
    const fileBase64 = csvBase64(EN, rows);
    const caller = callerFor(database, owner);
    const results = await Promise.all([
      caller.roster.commitImport({ communityId, fileName: 'a.csv', fileBase64 }),
      caller.roster.commitImport({ communityId, fileName: 'a.csv', fileBase64 }),
    ]);
    const created = results.map((r) => r.summary.residentsToAdd).sort((a, b) => a - b);
    expect(created).toEqual([0, rows.length]);
    expect((await counts(communityId)).residents).toBe(rows.length);
  });
});

describe('importing an XLSX with Chinese headers', () => {
  it('imports the whole compound from a spreadsheet, numbers as numbers', async () => {
    const communityId = await emptyCompound();
    const file = compoundRows('+86135');
    // Excel keeps floors, rooms, headcounts and phones as numbers; the reader must not care.
    const rows = file.rows.map(([b, s, f, r, n, name, tel]) => [
      `${b}号楼`,
      `${s}单元`,
      Number(f),
      Number(r),
      Number(n),
      name!,
      tel ? Number(tel.replace('+86', '')) : '',
    ]);
    const fileBase64 = await xlsxBase64(ZH, rows);
    const caller = callerFor(database, owner);
    const t = performance.now();
    const preview = await caller.roster.previewImport({ communityId, fileName: '名册.xlsx', fileBase64 });
    expect(preview.format).toBe('xlsx');
    expect(preview.ok).toBe(true);
    expect(preview.summary).toMatchObject({
      householdsToCreate: 1506,
      stairwellsToCreate: 135,
      residentsToAdd: file.residents,
    });
    await caller.roster.commitImport({
      communityId,
      fileName: '名册.xlsx',
      fileBase64,
      expectedSha256: preview.fileSha256,
    });
    console.log(
      `[roster-import] ${testDriver()}: XLSX ${file.households} households, preview + commit ${(performance.now() - t).toFixed(0)} ms`,
    );
    expect(await counts(communityId)).toEqual({
      buildings: 27,
      stairwells: 135,
      households: 1506,
      residents: file.residents,
    });
    const found = await caller.roster.search({ communityId, query: '27号楼5单元601' });
    expect(found.households).toHaveLength(1);
  });

  it('accepts other common Chinese header spellings and a row-number column', async () => {
    const communityId = await emptyCompound();
    const fileBase64 = await xlsxBase64(
      ['序号', '楼号', '楼道', '层', '室', '户人数', '户主', '联系电话'],
      [[1, 3, 2, 2, '201室', 2, '张建国', '138 0013 8000']],
    );
    const preview = await callerFor(database, owner).roster.previewImport({
      communityId,
      fileName: 'a.xlsx',
      fileBase64,
    });
    expect(preview.fileIssues).toEqual([]);
    expect(preview.sampleRows[0]!.values).toEqual({
      building: '3',
      stairwell: '2',
      floor: 2,
      room: '201',
      headcount: 2,
      name: '张建国',
      phone: '+8613800138000',
    });
  });
});

describe('a file with bad rows', () => {
  it('reports exactly the 3 bad rows with their reasons, and writes nothing', async () => {
    const communityId = await emptyCompound();
    const good = compoundRows('+86134').rows.slice(0, 60);
    const rows = [
      ...good.slice(0, 10),
      [good[1]![0]!, good[1]![1]!, good[1]![2]!, good[1]![3]!, '7', '重复', ''], // line 12: duplicate room, other headcount
      ...good.slice(10, 30),
      ['5', '1', '3', '301', '2', '周敏', '1380013800'], // line 33: malformed phone (10 digits)
      ...good.slice(30, 50),
      ['6', '2', '三', '302', '2', '吴刚', ''], // line 54: floor is not a number
      ...good.slice(50),
    ];
    const fileBase64 = csvBase64(EN, rows);
    const caller = callerFor(database, owner);
    const preview = await caller.roster.previewImport({ communityId, fileName: 'bad.csv', fileBase64 });
    expect(preview.ok).toBe(false);
    expect(preview.summary.invalidRows).toBe(3);
    expect(preview.badRows.map((r) => [r.line, r.issues])).toEqual([
      [12, [{ code: 'DUPLICATE_ROOM', field: 'room', otherLine: 3 }]],
      [33, [{ code: 'INVALID_PHONE', field: 'phone', value: '1380013800' }]],
      [54, [{ code: 'NOT_A_NUMBER', field: 'floor', value: '三' }]],
    ]);
    const refused = await rejection(
      caller.roster.commitImport({ communityId, fileName: 'bad.csv', fileBase64 }),
    );
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'IMPORT_HAS_ERRORS',
      details: { invalidRows: 3, firstBadLines: [12, 33, 54] },
    });
    expect(await counts(communityId)).toEqual({ buildings: 0, stairwells: 0, households: 0, residents: 0 });
  });

  it('reports an unknown column and refuses to import until it is removed', async () => {
    const communityId = await emptyCompound();
    const fileBase64 = csvBase64(
      [...EN, 'wechat'],
      [['1', '1', '1', '101', '1', '张三', '13800138001', 'zs01']],
    );
    const caller = callerFor(database, owner);
    const preview = await caller.roster.previewImport({ communityId, fileName: 'a.csv', fileBase64 });
    expect(preview.ok).toBe(false);
    expect(preview.fileIssues).toEqual([{ code: 'UNKNOWN_COLUMN', column: 'wechat' }]);
    expect(
      await rejection(caller.roster.commitImport({ communityId, fileName: 'a.csv', fileBase64 })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'IMPORT_HAS_ERRORS',
    });
    expect((await counts(communityId)).households).toBe(0);
  });

  it('says clearly when the file is not a spreadsheet it can read', async () => {
    const communityId = await emptyCompound();
    const caller = callerFor(database, owner);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]).toString('base64');
    expect(
      await rejection(caller.roster.previewImport({ communityId, fileName: 'old.xls', fileBase64: xls })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'XLS_NOT_SUPPORTED',
    });
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]).toString('base64');
    expect(
      await rejection(caller.roster.previewImport({ communityId, fileName: 'x.xlsx', fileBase64: zip })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'UNREADABLE_FILE',
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]).toString('base64');
    expect(
      await rejection(caller.roster.previewImport({ communityId, fileName: 'photo.png', fileBase64: png })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'UNREADABLE_FILE',
    });
  });

  it('is for coordinators: a volunteer is refused', async () => {
    const communityId = await emptyCompound();
    const volunteer = await makeUser(database.db, { name: '志愿者' });
    await addMember(database.db, communityId, volunteer, 'volunteer');
    const fileBase64 = csvBase64(EN, [['1', '1', '1', '101', '1', '张三', '']]);
    expect(
      await rejection(
        callerFor(database, volunteer).roster.previewImport({ communityId, fileName: 'a.csv', fileBase64 }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await rejection(
        callerFor(database, volunteer).roster.commitImport({ communityId, fileName: 'a.csv', fileBase64 }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await counts(communityId)).households).toBe(0);
  });
});
