import { describe, expect, it } from 'vitest';
import {
  canGrantRole,
  classifySearchQuery,
  inferFloor,
  mapHeaders,
  moveInRoute,
  normalizeBuildingNumber,
  normalizePhone,
  normalizeRoom,
  normalizeStairwellNumber,
  parseRoomRef,
  parseWholeNumber,
  phonesInTable,
  planRosterImport,
  stairwellCoverage,
  type RosterSnapshot,
} from '@/server/services/roster/rules';
import { decodeText, detectFormat, parseCsv } from '@/server/services/roster/roster-file';

const EMPTY: RosterSnapshot = {
  buildings: [],
  stairwells: [],
  households: [],
  residents: [],
  usersByPhone: new Map(),
};
const HEADER = ['building', 'stairwell', 'floor', 'room', 'headcount', 'resident name', 'phone'];

describe('how people write places and numbers', () => {
  it('reads building, stairwell and room the ways they are written on walls and in spreadsheets', () => {
    expect(normalizeBuildingNumber('3号楼')).toBe('3');
    expect(normalizeBuildingNumber('第12栋')).toBe('12');
    expect(normalizeBuildingNumber(' 5幢 ')).toBe('5');
    expect(normalizeBuildingNumber('１２a座')).toBe('12A');
    expect(normalizeBuildingNumber('')).toBeNull();
    expect(normalizeStairwellNumber('2单元')).toBe('2');
    expect(normalizeStairwellNumber('2号楼道')).toBe('2');
    expect(normalizeRoom('201室')).toBe('201');
    expect(normalizeRoom(201)).toBe('201');
  });

  it('parses whole numbers and refuses anything else', () => {
    expect(parseWholeNumber('3')).toBe(3);
    expect(parseWholeNumber(3)).toBe(3);
    expect(parseWholeNumber('3楼')).toBe(3);
    expect(parseWholeNumber('2人')).toBe(2);
    expect(parseWholeNumber('2.0')).toBe(2);
    expect(parseWholeNumber('two')).toBeNull();
    expect(parseWholeNumber('2.5')).toBeNull();
  });

  it('infers the floor from Chinese room numbers', () => {
    expect(inferFloor('201')).toBe(2);
    expect(inferFloor('1502')).toBe(15);
    expect(inferFloor('B1')).toBeNull();
    expect(inferFloor('001')).toBeNull();
  });

  it('normalizes phones to E.164 with mainland China as the default region', () => {
    expect(normalizePhone('13800138000')).toEqual({ ok: true, e164: '+8613800138000' });
    expect(normalizePhone('138 0013 8000')).toEqual({ ok: true, e164: '+8613800138000' });
    expect(normalizePhone('+86 138-0013-8000')).toEqual({ ok: true, e164: '+8613800138000' });
    expect(normalizePhone('１３８００１３８０００')).toEqual({ ok: true, e164: '+8613800138000' });
    expect(normalizePhone('+852 9123 4567')).toEqual({ ok: true, e164: '+85291234567' });
    expect(normalizePhone('1380013800')).toEqual({ ok: false });
    expect(normalizePhone('12345')).toEqual({ ok: false });
    expect(normalizePhone('无')).toEqual({ ok: false });
  });
});

describe('the search box', () => {
  it('understands addresses in several spellings', () => {
    expect(parseRoomRef('3-2-201')).toEqual({ building: '3', stairwell: '2', room: '201' });
    expect(parseRoomRef('3/2/201')).toEqual({ building: '3', stairwell: '2', room: '201' });
    expect(parseRoomRef('3 2 201')).toEqual({ building: '3', stairwell: '2', room: '201' });
    expect(parseRoomRef('3号楼2单元201室')).toEqual({ building: '3', stairwell: '2', room: '201' });
    expect(parseRoomRef('3栋2单元')).toEqual({ building: '3', stairwell: '2' });
    expect(parseRoomRef('3号楼')).toEqual({ building: '3' });
    expect(parseRoomRef('3-2')).toEqual({ building: '3', stairwell: '2' });
    expect(parseRoomRef('张三')).toBeNull();
  });

  it('tells a room, a building, a phone and a name apart', () => {
    expect(classifySearchQuery('3-2-201')).toEqual({
      kind: 'place',
      building: '3',
      stairwell: '2',
      room: '201',
    });
    expect(classifySearchQuery('201')).toEqual({ kind: 'place', room: '201' });
    expect(classifySearchQuery('3')).toEqual({ kind: 'place', building: '3' });
    expect(classifySearchQuery('13800138000')).toEqual({
      kind: 'phone',
      e164: '+8613800138000',
      digits: '13800138000',
    });
    expect(classifySearchQuery('38000')).toEqual({ kind: 'phone', e164: null, digits: '38000' });
    expect(classifySearchQuery(' 张 ')).toEqual({ kind: 'name', text: '张' });
    expect(classifySearchQuery('   ')).toEqual({ kind: 'empty' });
  });
});

describe('roles and stairwells', () => {
  it('lets only the owner appoint admins and owners; any coordinator takes on volunteers', () => {
    expect(canGrantRole(['owner'], 'admin')).toBe(true);
    expect(canGrantRole(['owner'], 'owner')).toBe(true);
    expect(canGrantRole(['admin'], 'admin')).toBe(false);
    expect(canGrantRole(['admin'], 'owner')).toBe(false);
    expect(canGrantRole(['admin'], 'volunteer')).toBe(true);
    expect(canGrantRole(['volunteer'], 'volunteer')).toBe(false);
  });

  it('calls a stairwell covered only with a leader and at least one volunteer (一楼一组)', () => {
    expect(stairwellCoverage([]).complete).toBe(false);
    expect(stairwellCoverage(['leader'])).toEqual({ hasLeader: true, volunteers: 0, complete: false });
    expect(stairwellCoverage(['volunteer', 'volunteer'])).toEqual({
      hasLeader: false,
      volunteers: 2,
      complete: false,
    });
    expect(stairwellCoverage(['leader', 'volunteer']).complete).toBe(true);
  });

  it('moves a stairwell in the route and renumbers only what changed', () => {
    const route = [
      { id: 'a', routeOrder: 1 },
      { id: 'b', routeOrder: 2 },
      { id: 'c', routeOrder: 3 },
      { id: 'd', routeOrder: 4 },
    ];
    expect(moveInRoute(route, 'd', 2)).toEqual([
      { id: 'd', routeOrder: 2 },
      { id: 'b', routeOrder: 3 },
      { id: 'c', routeOrder: 4 },
    ]);
    expect(moveInRoute(route, 'a', 99)).toEqual([
      { id: 'b', routeOrder: 1 },
      { id: 'c', routeOrder: 2 },
      { id: 'd', routeOrder: 3 },
      { id: 'a', routeOrder: 4 },
    ]);
    expect(moveInRoute(route, 'b', 2)).toEqual([]);
  });
});

describe('roster file headers', () => {
  it('accepts English and Chinese headers and ignores row numbers and remarks', () => {
    const m = mapHeaders(['序号', '楼栋', '单元', '楼层', '房号', '人数', '姓名', '手机', '备注']);
    expect(m.issues).toEqual([]);
    expect(m.columns).toEqual([
      'ignore',
      'building',
      'stairwell',
      'floor',
      'room',
      'headcount',
      'name',
      'phone',
      'ignore',
    ]);
    expect(mapHeaders(['楼号', '楼道', '层', '室', '户人数', '户主', '联系电话（必填）']).issues).toEqual([]);
    expect(mapHeaders(HEADER).issues).toEqual([]);
  });

  it('reports unknown, duplicate and missing columns', () => {
    const m = mapHeaders(['building', 'stairwell', 'room', 'email', '电话', '手机']);
    expect(m.issues).toEqual([
      { code: 'UNKNOWN_COLUMN', column: 'email' },
      { code: 'DUPLICATE_COLUMN', column: '手机', field: 'phone' },
    ]);
    expect(mapHeaders(['building', 'room']).issues).toEqual([{ code: 'MISSING_COLUMN', field: 'stairwell' }]);
  });
});

describe('planning a roster import', () => {
  it('plans buildings, stairwells, households and residents in file order', () => {
    const plan = planRosterImport(
      [
        HEADER,
        ['3', '2', '2', '201', '3', '张建国', '13800138000'],
        ['3', '2', '2', '201', '', '李秀英', ''],
        ['3', '1', '1', '101', '2', '王芳', '13900139000'],
        ['1', '1', '', '102', '', '', ''],
      ],
      EMPTY,
    );
    expect(plan.ok).toBe(true);
    expect(plan.write.buildings).toEqual([
      { number: '3', routeOrder: 1 },
      { number: '1', routeOrder: 2 },
    ]);
    expect(plan.write.stairwells.map((s) => `${s.building}-${s.number}@${s.routeOrder}`)).toEqual([
      '3-2@1',
      '3-1@2',
      '1-1@3',
    ]);
    expect(plan.write.households).toEqual([
      { building: '3', stairwell: '2', room: '201', floor: 2, headcount: 3 },
      { building: '3', stairwell: '1', room: '101', floor: 1, headcount: 2 },
      // Floor from the room number, headcount 1 when nobody is listed.
      { building: '1', stairwell: '1', room: '102', floor: 1, headcount: 1 },
    ]);
    expect(plan.write.residents.map((r) => [r.room, r.name, r.phone])).toEqual([
      ['201', '张建国', '+8613800138000'],
      ['201', '李秀英', null],
      ['101', '王芳', '+8613900139000'],
    ]);
    expect(plan.summary).toMatchObject({
      rows: 4,
      invalidRows: 0,
      householdsToCreate: 3,
      residentsToAdd: 3,
      usersToCreate: 3,
    });
    expect(plan.rows[3]!.warnings).toEqual([{ code: 'FLOOR_INFERRED' }]);
  });

  it('reports every bad row with its reasons and plans only the good ones', () => {
    const plan = planRosterImport(
      [
        HEADER,
        ['3', '2', '2', '201', '3', '张建国', '13800138000'], // 2 ok
        ['3', '2', '2', '201', '4', '张建国', '13800138000'], // 3 duplicate room (conflicting headcount)
        ['3', '2', 'two', '202', '2', '李四', ''], // 4 floor not a number
        ['3', '2', '3', '301', 'x', '王五', '12345'], // 5 headcount and phone
        ['', '2', '3', '302', '1', '', ''], // 6 building missing
        ['3', '2', '3', '303', '1', '赵六', '13800138000'], // 7 same phone in another household
        ['3', '2', '3', '304', '1', '', '13700137000'], // 8 phone without a name
      ],
      EMPTY,
    );
    expect(plan.ok).toBe(false);
    const byLine = Object.fromEntries(
      plan.rows.filter((r) => r.issues.length).map((r) => [r.line, r.issues]),
    );
    expect(Object.keys(byLine).map(Number)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(byLine[3]).toEqual([{ code: 'DUPLICATE_ROOM', field: 'room', otherLine: 2 }]);
    expect(byLine[4]).toEqual([{ code: 'NOT_A_NUMBER', field: 'floor', value: 'two' }]);
    expect(byLine[5]).toEqual([
      { code: 'NOT_A_NUMBER', field: 'headcount', value: 'x' },
      { code: 'INVALID_PHONE', field: 'phone', value: '12345' },
    ]);
    expect(byLine[6]).toEqual([{ code: 'MISSING_VALUE', field: 'building' }]);
    expect(byLine[7]).toEqual([{ code: 'PHONE_IN_TWO_HOUSEHOLDS', field: 'phone', otherLine: 2 }]);
    expect(byLine[8]).toEqual([{ code: 'MISSING_VALUE', field: 'name' }]);
    expect(plan.summary).toMatchObject({ rows: 7, validRows: 1, invalidRows: 6, householdsToCreate: 1 });
  });

  it('checks rows against the roster as it stands', () => {
    const snapshot: RosterSnapshot = {
      buildings: [{ id: 'b3', number: '3', routeOrder: 4 }],
      stairwells: [{ id: 's32', buildingId: 'b3', number: '2', routeOrder: 7 }],
      households: [
        { id: 'h201', stairwellId: 's32', floor: 2, room: '201', headcount: 3 },
        { id: 'h202', stairwellId: 's32', floor: 2, room: '202', headcount: 1 },
      ],
      residents: [
        { userId: 'u1', householdId: 'h201', name: '张建国', phone: '+8613800138000' },
        { userId: 'u2', householdId: 'h202', name: '钱老伯', phone: null },
        { userId: 'u3', householdId: 'h202', name: '钱小妹', phone: '+8613500135000' },
      ],
      usersByPhone: new Map([
        ['+8613800138000', { id: 'u1', name: '张建国' }],
        ['+8613600136000', { id: 'u9', name: '周敏' }],
        ['+8613500135000', { id: 'u3', name: '钱小妹' }],
      ]),
    };
    const plan = planRosterImport(
      [
        HEADER,
        ['3', '2', '2', '201', '3', '张建国', '13800138000'], // 2 already there
        ['3', '2', '2', '202', '5', '钱老伯', ''], // 3 conflicting headcount
        ['3', '2', '3', '301', '1', '钱小妹', '13500135000'], // 4 lives in 3-2-202 already
        ['3', '2', '3', '302', '2', '周敏敏', '13600136000'], // 5 existing user, other name
        ['3', '3', '1', '101', '1', '', ''], // 6 new stairwell of an existing building
      ],
      snapshot,
    );
    const issues = Object.fromEntries(plan.rows.map((r) => [r.line, r.issues]));
    expect(issues[2]).toEqual([]);
    expect(plan.rows[0]!.resident).toBe('already-resident');
    expect(issues[3]).toEqual([{ code: 'ROOM_CONFLICT', field: 'headcount', existing: '1' }]);
    expect(issues[4]).toEqual([{ code: 'PHONE_RESIDENT_ELSEWHERE', field: 'phone', existing: '3-2-202' }]);
    expect(issues[5]).toEqual([]);
    expect(plan.rows[3]!.warnings).toEqual([{ code: 'NAME_DIFFERS', existing: '周敏' }]);
    expect(plan.write.residents).toEqual([
      { building: '3', stairwell: '2', room: '302', name: '周敏敏', phone: '+8613600136000', userId: 'u9' },
    ]);
    expect(plan.write.stairwells).toEqual([{ building: '3', number: '3', routeOrder: 8 }]);
    expect(plan.write.buildings).toEqual([]);
    expect(plan.summary).toMatchObject({
      householdsExisting: 1,
      householdsToCreate: 2,
      residentsAlreadyThere: 1,
      usersToCreate: 0,
    });
  });

  it('refuses a file whose key columns are missing, without reading every row', () => {
    const plan = planRosterImport(
      [
        ['姓名', '手机'],
        ['张三', '13800138000'],
      ],
      EMPTY,
    );
    expect(plan.ok).toBe(false);
    expect(plan.fileIssues).toEqual([
      { code: 'MISSING_COLUMN', field: 'building' },
      { code: 'MISSING_COLUMN', field: 'stairwell' },
      { code: 'MISSING_COLUMN', field: 'room' },
    ]);
    expect(plan.rows).toEqual([]);
  });

  it('reports an unknown column and an empty file', () => {
    const plan = planRosterImport(
      [
        [...HEADER, '微信号'],
        ['3', '2', '2', '201', '1', '张三', '13800138000', 'zs'],
      ],
      EMPTY,
    );
    expect(plan.ok).toBe(false);
    expect(plan.fileIssues).toEqual([{ code: 'UNKNOWN_COLUMN', column: '微信号' }]);
    expect(plan.summary.invalidRows).toBe(0);
    expect(planRosterImport([[''], []], EMPTY).fileIssues).toEqual([{ code: 'EMPTY_FILE' }]);
    expect(planRosterImport([HEADER], EMPTY).fileIssues).toEqual([{ code: 'NO_ROWS' }]);
  });

  it('skips blank lines but keeps spreadsheet line numbers', () => {
    const plan = planRosterImport(
      [HEADER, ['', '', '', '', '', '', ''], ['3', '2', '2', '201', '', '', 'bad']],
      EMPTY,
    );
    expect(plan.rows.map((r) => r.line)).toEqual([3]);
    expect(
      phonesInTable([
        HEADER,
        ['3', '2', '2', '201', '', '张', '13800138000'],
        ['3', '2', '2', '202', '', '李', 'x'],
      ]),
    ).toEqual(['+8613800138000']);
  });
});

describe('roster files', () => {
  it('detects the format from the bytes', () => {
    expect(detectFormat(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1]))).toBe('xlsx');
    expect(detectFormat(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1]))).toBe('xls');
    expect(detectFormat(new TextEncoder().encode('楼栋,单元\n3,2'))).toBe('csv');
    expect(detectFormat(new Uint8Array([1, 2, 0, 3]))).toBe('binary');
  });

  it('reads UTF-8 (with BOM) and GB18030 CSV, as Excel saves it on Chinese Windows', () => {
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('楼栋,单元\r\n3,2\r\n')]);
    expect(parseCsv(decodeText(utf8))).toEqual([
      ['楼栋', '单元'],
      ['3', '2'],
    ]);
    // "楼栋,单元" in GB18030.
    const gbk = new Uint8Array([0xc2, 0xa5, 0xb6, 0xb0, 0x2c, 0xb5, 0xa5, 0xd4, 0xaa]);
    expect(parseCsv(decodeText(gbk))).toEqual([['楼栋', '单元']]);
  });
});
