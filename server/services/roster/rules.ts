/**
 * Pure rules of the compound roster: how people write buildings, stairwells, rooms and phone
 * numbers, what a search box query means, who may grant which role, what makes a stairwell
 * "covered" (一楼一组), and the whole validation of a roster import. No database here: the import
 * validator takes a snapshot of what already exists and returns a plan (or every reason it cannot).
 */
// The full metadata: the small default set validates by length only and lets typos like a
// 10-digit mobile number through.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { LIMITS } from './constants';

export { CARE_CATEGORIES, LIMITS, type CareCategory } from './constants';

type MembershipRole = 'resident' | 'volunteer' | 'admin' | 'owner';
export type StaffRole = Exclude<MembershipRole, 'resident'>;
export type AssignmentRole = 'leader' | 'volunteer';

const DEFAULT_PHONE_REGION: CountryCode = 'CN';

// ---------------------------------------------------------------------------------------------
// Text as people type it
// ---------------------------------------------------------------------------------------------

/** Full-width digits, letters and punctuation (common from Chinese input methods) to ASCII. */
function toHalfWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

function clean(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  const text =
    typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  return toHalfWidth(text).replace(/\s+/g, ' ').trim();
}

/** "3号楼", "第3栋", "3幢", "3#", "3" → "3"; "12A座" → "12A". Empty → null. */
export function normalizeBuildingNumber(raw: unknown): string | null {
  let s = clean(raw).replace(/^第/, '');
  s = s.replace(/\s*(号楼|号|楼|栋|幢|座|#)$/u, '').trim();
  return s === '' ? null : s.toUpperCase();
}

/** "2单元", "2号楼道", "2" → "2". */
export function normalizeStairwellNumber(raw: unknown): string | null {
  let s = clean(raw).replace(/^第/, '');
  s = s.replace(/\s*(号单元|单元|号楼道|楼道|号门|门|号)$/u, '').trim();
  return s === '' ? null : s.toUpperCase();
}

/** "201室", "201号", "201" → "201". */
export function normalizeRoom(raw: unknown): string | null {
  const s = clean(raw)
    .replace(/\s*(室|号|房)$/u, '')
    .trim();
  return s === '' ? null : s.toUpperCase();
}

/** A whole number, tolerating "3楼", "3层", "2人", "3.0" (spreadsheets); null when it is not one. */
export function parseWholeNumber(raw: unknown): number | null {
  const s = clean(raw).replace(/\s*(楼|层|人|口)$/u, '');
  if (!/^-?\d+(\.0+)?$/.test(s)) return null;
  return Number.parseInt(s, 10);
}

/** Floor from a Chinese room number: 201 → 2, 1502 → 15. Null when the room does not say. */
export function inferFloor(room: string): number | null {
  const m = /^(\d{1,2})(\d{2})$/.exec(room);
  if (!m) return null;
  const floor = Number.parseInt(m[1]!, 10);
  return floor >= 1 ? floor : null;
}

type PhoneResult = { ok: true; e164: string } | { ok: false };

/** Any valid number (mobile or landline), to E.164; mainland China when no country code is given. */
export function normalizePhone(raw: unknown, region: CountryCode = DEFAULT_PHONE_REGION): PhoneResult {
  const s = clean(raw);
  if (!/\d/.test(s)) return { ok: false };
  const parsed = parsePhoneNumberFromString(s, region);
  if (!parsed?.isValid()) return { ok: false };
  return { ok: true, e164: parsed.number };
}

/** "3号楼 2单元 201室" / "Bldg 3, Unit 2, Rm 201" is the UI's job; this is the compact form. */
export function householdRef(building: string, stairwell: string, room: string): string {
  return `${building}-${stairwell}-${room}`;
}

// ---------------------------------------------------------------------------------------------
// The search box
// ---------------------------------------------------------------------------------------------

type RoomRef = { building: string; stairwell?: string; room?: string };

export type SearchQuery =
  | { kind: 'empty' }
  | { kind: 'place'; building?: string; stairwell?: string; room?: string }
  | { kind: 'phone'; e164: string | null; digits: string }
  | { kind: 'name'; text: string };

/**
 * "3-2-201", "3/2/201", "3 2 201", "3号楼2单元201室", "3栋2单元", "3-2" → a place in the compound.
 * Null when the text is not an address.
 */
export function parseRoomRef(raw: string): RoomRef | null {
  const s = clean(raw);
  // 3号楼2单元201室, 3栋2单元201, 3幢
  const cn =
    /^第?([0-9A-Za-z]+)\s*(?:号楼|号|栋|幢|座|楼)\s*(?:第?([0-9A-Za-z]+)\s*(?:单元|号楼道|楼道|门))?\s*(?:([0-9A-Za-z]+)\s*(?:室|号)?)?$/u.exec(
      s,
    );
  if (cn) {
    const ref: RoomRef = { building: cn[1]!.toUpperCase() };
    if (cn[2]) ref.stairwell = cn[2].toUpperCase();
    if (cn[3]) {
      if (!ref.stairwell) return null;
      ref.room = cn[3].toUpperCase();
    }
    return ref;
  }
  const parts = s.split(/\s*[-/\\—–_.\s]\s*/).filter(Boolean);
  if (parts.length < 2 || parts.length > 3) return null;
  if (!parts.every((p) => /^[0-9A-Za-z]{1,8}$/.test(p))) return null;
  if (!parts.some((p) => /\d/.test(p))) return null;
  const ref: RoomRef = { building: parts[0]!.toUpperCase(), stairwell: parts[1]!.toUpperCase() };
  if (parts[2]) ref.room = normalizeRoom(parts[2])!;
  return ref;
}

/** What a coordinator meant by what they typed into the one search box. */
export function classifySearchQuery(raw: string): SearchQuery {
  const s = clean(raw);
  if (s === '') return { kind: 'empty' };
  const ref = parseRoomRef(s);
  if (ref) return { kind: 'place', ...ref };
  const compact = s.replace(/[\s()-]/g, '');
  if (/^\+?\d{5,}$/.test(compact)) {
    const phone = normalizePhone(s);
    // 3-4 digits or so is a room ("201", "1502"); 5+ digits is (part of) a phone number.
    return { kind: 'phone', e164: phone.ok ? phone.e164 : null, digits: compact.replace(/^\+/, '') };
  }
  if (/^\d{3,4}[A-Za-z]?$/.test(compact)) return { kind: 'place', room: compact.toUpperCase() };
  if (/^\d{1,2}[A-Za-z]?$/.test(compact)) return { kind: 'place', building: compact.toUpperCase() };
  return { kind: 'name', text: s };
}

/** Escapes LIKE wildcards in user text. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ---------------------------------------------------------------------------------------------
// Roles, assignments, route order
// ---------------------------------------------------------------------------------------------

/** 1+X+N: the owner (群主) appoints admins and owners; any coordinator can take on volunteers. */
export function canGrantRole(grantorRoles: readonly MembershipRole[], role: StaffRole): boolean {
  if (role === 'volunteer') return grantorRoles.includes('admin') || grantorRoles.includes('owner');
  return grantorRoles.includes('owner');
}

export type StairwellCoverage = { hasLeader: boolean; volunteers: number; complete: boolean };

/** 一楼一组: a stairwell is covered when it has its leader and at least one volunteer. */
export function stairwellCoverage(roles: readonly AssignmentRole[]): StairwellCoverage {
  const hasLeader = roles.includes('leader');
  const volunteers = roles.filter((r) => r === 'volunteer').length;
  return { hasLeader, volunteers, complete: hasLeader && volunteers >= 1 };
}

/**
 * Moves one item to a 1-based position in a route and renumbers 1..n; returns only the items whose
 * position changed, so the caller updates as few rows as it must.
 */
export function moveInRoute<T extends { id: string; routeOrder: number }>(
  items: readonly T[],
  movedId: string,
  position: number,
): { id: string; routeOrder: number }[] {
  const sorted = [...items].sort((a, b) => a.routeOrder - b.routeOrder || a.id.localeCompare(b.id));
  const from = sorted.findIndex((i) => i.id === movedId);
  if (from < 0) return [];
  const [moved] = sorted.splice(from, 1);
  const to = Math.min(Math.max(position, 1), sorted.length + 1) - 1;
  sorted.splice(to, 0, moved!);
  return sorted.flatMap((item, i) => (item.routeOrder === i + 1 ? [] : [{ id: item.id, routeOrder: i + 1 }]));
}

// ---------------------------------------------------------------------------------------------
// Roster import
// ---------------------------------------------------------------------------------------------

type ImportField = 'building' | 'stairwell' | 'floor' | 'room' | 'headcount' | 'name' | 'phone';
const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ['building', 'stairwell', 'room'];

/** Header spellings seen in real rosters, after `headerKey()`. */
const HEADER_ALIASES: Record<ImportField | 'ignore', readonly string[]> = {
  building: ['building', 'bldg', 'block', '楼栋', '楼号', '楼栋号', '栋', '幢', '楼', '栋号', '幢号'],
  stairwell: ['stairwell', 'unit', 'entrance', 'stair', '单元', '楼道', '单元号', '楼道号', '门洞'],
  floor: ['floor', 'level', '楼层', '层', '层数', '所在楼层'],
  room: [
    'room',
    'roomno',
    'roomnumber',
    'flat',
    'apartment',
    '房号',
    '室',
    '室号',
    '房间号',
    '门牌号',
    '房间',
  ],
  headcount: [
    'headcount',
    'people',
    'persons',
    'occupants',
    'size',
    '人数',
    '户人数',
    '居住人数',
    '家庭人数',
    '常住人数',
  ],
  name: ['residentname', 'name', 'resident', 'fullname', '姓名', '居民姓名', '户主', '户主姓名', '联系人'],
  phone: [
    'phone',
    'mobile',
    'tel',
    'telephone',
    'phonenumber',
    'cell',
    '手机',
    '电话',
    '手机号',
    '手机号码',
    '联系电话',
    '电话号码',
  ],
  // Row numbers and remarks carry nothing the roster keeps, and people always have them.
  ignore: ['no', '#', 'index', 'seq', '序号', '编号', 'remark', 'remarks', 'note', 'notes', '备注'],
};

function headerKey(raw: unknown): string {
  return clean(raw)
    .toLowerCase()
    .replace(/[（(][^)）]*[)）]/g, '') // "人数(人)", "手机（必填）"
    .replace(/[\s_\-:：.*]/g, '');
}

const HEADER_LOOKUP: Map<string, ImportField | 'ignore'> = new Map(
  (Object.entries(HEADER_ALIASES) as [ImportField | 'ignore', readonly string[]][]).flatMap(
    ([field, names]) => names.map((n) => [headerKey(n), field] as const),
  ),
);

type FileIssueCode =
  'EMPTY_FILE' | 'NO_ROWS' | 'TOO_MANY_ROWS' | 'UNKNOWN_COLUMN' | 'DUPLICATE_COLUMN' | 'MISSING_COLUMN';
export type FileIssue = { code: FileIssueCode; column?: string; field?: ImportField; limit?: number };

type RowIssueCode =
  | 'MISSING_VALUE'
  | 'NOT_A_NUMBER'
  | 'OUT_OF_RANGE'
  | 'TOO_LONG'
  | 'INVALID_PHONE'
  | 'DUPLICATE_ROOM'
  | 'ROOM_CONFLICT'
  | 'PHONE_IN_TWO_HOUSEHOLDS'
  | 'PHONE_RESIDENT_ELSEWHERE';

export type RowIssue = {
  code: RowIssueCode;
  field?: ImportField;
  /** The line this row repeats (DUPLICATE_ROOM, PHONE_IN_TWO_HOUSEHOLDS). */
  otherLine?: number;
  /** What is already in the roster (ROOM_CONFLICT, PHONE_RESIDENT_ELSEWHERE). */
  existing?: string;
  value?: string;
};
type RowWarningCode = 'NAME_DIFFERS' | 'FLOOR_INFERRED';
export type RowWarning = { code: RowWarningCode; existing?: string };

type HeaderMap = { columns: (ImportField | 'ignore' | null)[]; issues: FileIssue[] };

/** Maps each column to a roster field; unknown, duplicate and missing columns are file issues. */
export function mapHeaders(headers: readonly unknown[]): HeaderMap {
  const issues: FileIssue[] = [];
  const seen = new Set<ImportField>();
  const columns = headers.map((h) => {
    const label = clean(h);
    if (label === '') return null;
    const field = HEADER_LOOKUP.get(headerKey(h));
    if (!field) {
      issues.push({ code: 'UNKNOWN_COLUMN', column: label });
      return null;
    }
    if (field === 'ignore') return field;
    if (seen.has(field)) {
      issues.push({ code: 'DUPLICATE_COLUMN', column: label, field });
      return null;
    }
    seen.add(field);
    return field;
  });
  for (const field of REQUIRED_IMPORT_FIELDS) {
    if (!seen.has(field)) issues.push({ code: 'MISSING_COLUMN', field });
  }
  return { columns, issues };
}

/** What the roster holds already, as the import validator needs it. */
export type RosterSnapshot = {
  buildings: { id: string; number: string; routeOrder: number }[];
  stairwells: { id: string; buildingId: string; number: string; routeOrder: number }[];
  households: { id: string; stairwellId: string; floor: number; room: string; headcount: number }[];
  /** Residents of this community: which household each user lives in. */
  residents: { userId: string; householdId: string; name: string; phone: string | null }[];
  /** Users (any community) holding the phones that appear in the file. */
  usersByPhone: Map<string, { id: string; name: string }>;
};

type ImportRowValues = {
  building: string | null;
  stairwell: string | null;
  floor: number | null;
  room: string | null;
  headcount: number | null;
  name: string | null;
  phone: string | null;
};

export type ImportRow = {
  /** The line in the file, header = 1, as a spreadsheet shows it. */
  line: number;
  values: ImportRowValues;
  household: 'new' | 'existing' | null;
  resident: 'new-user' | 'existing-user' | 'already-resident' | null;
  issues: RowIssue[];
  warnings: RowWarning[];
};

export type ImportSummary = {
  rows: number;
  validRows: number;
  invalidRows: number;
  buildingsToCreate: number;
  stairwellsToCreate: number;
  householdsToCreate: number;
  householdsExisting: number;
  residentsToAdd: number;
  usersToCreate: number;
  residentsAlreadyThere: number;
};

type ImportWritePlan = {
  buildings: { number: string; routeOrder: number }[];
  stairwells: { building: string; number: string; routeOrder: number }[];
  households: { building: string; stairwell: string; room: string; floor: number; headcount: number }[];
  /** userId set when the phone belongs to a user already. */
  residents: {
    building: string;
    stairwell: string;
    room: string;
    name: string;
    phone: string | null;
    userId: string | null;
  }[];
};

export type ImportPlan = {
  ok: boolean;
  fileIssues: FileIssue[];
  rows: ImportRow[];
  summary: ImportSummary;
  write: ImportWritePlan;
};

const HOUSEHOLD_FIELDS: ReadonlySet<ImportField> = new Set([
  'building',
  'stairwell',
  'room',
  'floor',
  'headcount',
]);

type HouseholdGroup = {
  firstLine: number;
  building: string;
  stairwell: string;
  room: string;
  floor: number | null;
  floorInferred: boolean;
  headcount: number | null;
  existing: RosterSnapshot['households'][number] | null;
  /** `phone:<e164>`, or `name:<name>` for people without a phone of their own. */
  people: Set<string>;
  residentRows: number;
  validRows: number;
};

function personKey(name: string | null, phone: string | null): string | null {
  if (phone) return `phone:${phone}`;
  if (name) return `name:${name}`;
  return null;
}

function isBlankRow(cells: readonly unknown[]): boolean {
  return cells.every((c) => clean(c) === '');
}

/** What the file's header and non-blank rows say before any row is read. */
type ImportFile =
  | { readable: false; plan: ImportPlan }
  | {
      readable: true;
      header: HeaderMap;
      fileIssues: FileIssue[];
      dataRows: { line: number; cells: readonly unknown[] }[];
    };

const EMPTY_SUMMARY: ImportSummary = {
  rows: 0,
  validRows: 0,
  invalidRows: 0,
  buildingsToCreate: 0,
  stairwellsToCreate: 0,
  householdsToCreate: 0,
  householdsExisting: 0,
  residentsToAdd: 0,
  usersToCreate: 0,
  residentsAlreadyThere: 0,
};

function emptyWritePlan(): ImportWritePlan {
  return { buildings: [], stairwells: [], households: [], residents: [] };
}

function unreadableFile(fileIssues: FileIssue[], rows: number): ImportFile {
  return {
    readable: false,
    plan: {
      ok: false,
      fileIssues,
      rows: [],
      summary: { ...EMPTY_SUMMARY, rows },
      write: emptyWritePlan(),
    },
  };
}

/** Finds the header and the data rows; a file whose rows cannot be read is answered here. */
function readImportFile(table: readonly (readonly unknown[])[]): ImportFile {
  const headerIndex = table.findIndex((r) => !isBlankRow(r));
  if (headerIndex < 0) return unreadableFile([{ code: 'EMPTY_FILE' }], 0);
  const header = mapHeaders(table[headerIndex]!);
  const fileIssues = [...header.issues];
  const dataRows: { line: number; cells: readonly unknown[] }[] = [];
  for (let i = headerIndex + 1; i < table.length; i++) {
    if (!isBlankRow(table[i]!)) dataRows.push({ line: i + 1, cells: table[i]! });
  }
  if (dataRows.length === 0) fileIssues.push({ code: 'NO_ROWS' });
  if (dataRows.length > LIMITS.importRows) {
    fileIssues.push({ code: 'TOO_MANY_ROWS', limit: LIMITS.importRows });
    return unreadableFile(fileIssues, dataRows.length);
  }
  // Without its key columns no row can be read; report the header, not a thousand rows.
  if (fileIssues.some((i) => i.code === 'MISSING_COLUMN' || i.code === 'EMPTY_FILE')) {
    return unreadableFile(fileIssues, dataRows.length);
  }
  return { readable: true, header, fileIssues, dataRows };
}

/** The roster as it stands, keyed the way a file's rows name things (`building|stairwell|room`). */
type RosterIndex = {
  buildingByNumber: Map<string, RosterSnapshot['buildings'][number]>;
  stairwellByKey: Map<string, RosterSnapshot['stairwells'][number]>;
  householdByKey: Map<string, RosterSnapshot['households'][number]>;
  residentHouseholdByUser: Map<string, string>;
  existingNamesByHousehold: Map<string, Set<string>>;
  labelOfHousehold: (householdId: string) => string;
};

function indexRoster(snapshot: RosterSnapshot): RosterIndex {
  const buildingByNumber = new Map(snapshot.buildings.map((b) => [b.number, b]));
  const stairwellByKey = new Map<string, RosterSnapshot['stairwells'][number]>();
  const buildingNumberById = new Map(snapshot.buildings.map((b) => [b.id, b.number]));
  for (const s of snapshot.stairwells)
    stairwellByKey.set(`${buildingNumberById.get(s.buildingId)}|${s.number}`, s);
  const stairwellKeyById = new Map(
    snapshot.stairwells.map((s) => [s.id, `${buildingNumberById.get(s.buildingId)}|${s.number}`]),
  );
  const householdByKey = new Map<string, RosterSnapshot['households'][number]>();
  for (const h of snapshot.households)
    householdByKey.set(`${stairwellKeyById.get(h.stairwellId)}|${h.room}`, h);
  const householdKeyById = new Map(
    snapshot.households.map((h) => [h.id, `${stairwellKeyById.get(h.stairwellId)}|${h.room}`]),
  );
  const residentHouseholdByUser = new Map(snapshot.residents.map((r) => [r.userId, r.householdId]));
  const existingNamesByHousehold = new Map<string, Set<string>>();
  for (const r of snapshot.residents) {
    const set = existingNamesByHousehold.get(r.householdId) ?? new Set<string>();
    set.add(r.name);
    existingNamesByHousehold.set(r.householdId, set);
  }
  const labelOfHousehold = (householdId: string) =>
    (householdKeyById.get(householdId) ?? '?').replaceAll('|', '-');
  return {
    buildingByNumber,
    stairwellByKey,
    householdByKey,
    residentHouseholdByUser,
    existingNamesByHousehold,
    labelOfHousehold,
  };
}

/** A row's cells by field, with the issues of each value on its own. */
function readRow(
  line: number,
  columns: HeaderMap['columns'],
  cells: readonly unknown[],
): { row: ImportRow; floorInferred: boolean } {
  const raw: Partial<Record<ImportField, unknown>> = {};
  columns.forEach((field, i) => {
    if (field && field !== 'ignore') raw[field] = cells[i];
  });
  const issues: RowIssue[] = [];
  const place = readPlace(raw, issues);
  const { floor, floorInferred } = readFloor(raw, place.room, issues);
  const headcount = readHeadcount(raw, issues);
  const { name, phone } = readPerson(raw, issues);
  const { building, stairwell, room } = place;
  const values: ImportRowValues = { building, stairwell, floor, room, headcount, name, phone };
  return {
    row: { line, values, household: null, resident: null, issues, warnings: [] },
    floorInferred,
  };
}

type RawRow = Partial<Record<ImportField, unknown>>;

function readPlace(raw: RawRow, issues: RowIssue[]) {
  const building = normalizeBuildingNumber(raw.building);
  const stairwell = normalizeStairwellNumber(raw.stairwell);
  const room = normalizeRoom(raw.room);
  for (const [field, value, max] of [
    ['building', building, LIMITS.numberLength],
    ['stairwell', stairwell, LIMITS.numberLength],
    ['room', room, LIMITS.roomLength],
  ] as const) {
    if (value === null) issues.push({ code: 'MISSING_VALUE', field });
    else if (value.length > max) issues.push({ code: 'TOO_LONG', field, value: value.slice(0, 24) });
  }
  return { building, stairwell, room };
}

/** The floor as written, or inferred from the room number when the column is blank. */
function readFloor(raw: RawRow, room: string | null, issues: RowIssue[]) {
  const text = clean(raw.floor);
  if (text !== '') {
    const floor = parseWholeNumber(raw.floor);
    if (floor === null) issues.push({ code: 'NOT_A_NUMBER', field: 'floor', value: text });
    else if (floor < LIMITS.minFloor || floor > LIMITS.maxFloor || floor === 0) {
      issues.push({ code: 'OUT_OF_RANGE', field: 'floor', value: text });
    }
    return { floor, floorInferred: false };
  }
  if (!room) return { floor: null, floorInferred: false };
  const floor = inferFloor(room);
  return { floor, floorInferred: floor !== null };
}

function readHeadcount(raw: RawRow, issues: RowIssue[]): number | null {
  const text = clean(raw.headcount);
  if (text === '') return null;
  const headcount = parseWholeNumber(raw.headcount);
  if (headcount === null) issues.push({ code: 'NOT_A_NUMBER', field: 'headcount', value: text });
  else if (headcount < 1 || headcount > LIMITS.maxHeadcount) {
    issues.push({ code: 'OUT_OF_RANGE', field: 'headcount', value: text });
  }
  return headcount;
}

function readPerson(raw: RawRow, issues: RowIssue[]) {
  const name = clean(raw.name) === '' ? null : clean(raw.name);
  if (name && Array.from(name).length > LIMITS.nameLength)
    issues.push({ code: 'TOO_LONG', field: 'name', value: name.slice(0, 24) });
  let phone: string | null = null;
  if (clean(raw.phone) !== '') {
    const p = normalizePhone(raw.phone);
    if (p.ok) phone = p.e164;
    else issues.push({ code: 'INVALID_PHONE', field: 'phone', value: clean(raw.phone) });
  }
  if (phone && !name) issues.push({ code: 'MISSING_VALUE', field: 'name' });
  return { name, phone };
}

/** The households and phones the rows read so far have claimed. */
type ImportState = {
  groups: Map<string, HouseholdGroup>;
  phoneFirstSeen: Map<string, { line: number; household: string }>;
};

/**
 * Places one read row: into its household (a new one, a further resident of one already in the
 * file, or one that exists), then as a resident; a row that holds completes its household.
 */
function planRow(
  row: ImportRow,
  floorInferred: boolean,
  snapshot: RosterSnapshot,
  index: RosterIndex,
  state: ImportState,
): void {
  // Household fields first: a row whose household cannot be read joins no household.
  if (row.issues.some((i) => i.field && HOUSEHOLD_FIELDS.has(i.field))) return;
  const { building, stairwell, room } = row.values;
  const key = `${building}|${stairwell}|${room}`;
  const group = joinHousehold(row, key, floorInferred, index, state.groups);
  if (!group) return;
  row.household = group.existing ? 'existing' : 'new';
  matchResident(row, key, group, snapshot, index, state.phoneFirstSeen);
  if (row.issues.length > 0) {
    row.resident = null;
    return;
  }
  completeHousehold(row, key, floorInferred, group, state.phoneFirstSeen);
}

/** The row's household group, or null (with the issue on the row) when the row cannot join it. */
function joinHousehold(
  row: ImportRow,
  key: string,
  floorInferred: boolean,
  index: RosterIndex,
  groups: Map<string, HouseholdGroup>,
): HouseholdGroup | null {
  const { building, stairwell, room, floor, headcount, name, phone } = row.values;
  const person = personKey(name, phone);
  const group = groups.get(key);
  if (group) {
    // The same room again: a further resident of one household, if the rows agree on the household.
    const floorClash =
      floor !== null &&
      group.floor !== null &&
      floor !== group.floor &&
      !floorInferred &&
      !group.floorInferred;
    const headClash = headcount !== null && group.headcount !== null && headcount !== group.headcount;
    if (floorClash || headClash || person === null || group.people.has(person)) {
      row.issues.push({ code: 'DUPLICATE_ROOM', field: 'room', otherLine: group.firstLine });
      return null;
    }
    return group;
  }
  const existing = index.householdByKey.get(key) ?? null;
  if (existing) {
    const floorDiffers = floor !== null && !floorInferred && floor !== existing.floor;
    const headDiffers = headcount !== null && headcount !== existing.headcount;
    if (floorDiffers || headDiffers) {
      row.issues.push({
        code: 'ROOM_CONFLICT',
        field: floorDiffers ? 'floor' : 'headcount',
        existing: floorDiffers ? String(existing.floor) : String(existing.headcount),
      });
      return null;
    }
  } else if (floor === null) {
    row.issues.push({ code: 'MISSING_VALUE', field: 'floor' });
    return null;
  }
  const created: HouseholdGroup = {
    firstLine: row.line,
    building: building!,
    stairwell: stairwell!,
    room: room!,
    floor: existing ? existing.floor : floor,
    floorInferred: existing ? false : floorInferred,
    headcount: existing ? existing.headcount : headcount,
    existing,
    people: new Set(),
    residentRows: 0,
    validRows: 0,
  };
  groups.set(key, created);
  return created;
}

/** Who the row's person is: a new user, a user already known by phone, or a resident already. */
function matchResident(
  row: ImportRow,
  key: string,
  group: HouseholdGroup,
  snapshot: RosterSnapshot,
  index: RosterIndex,
  phoneFirstSeen: ImportState['phoneFirstSeen'],
): void {
  const { name, phone } = row.values;
  if (phone) {
    const first = phoneFirstSeen.get(phone);
    if (first && first.household !== key) {
      row.issues.push({ code: 'PHONE_IN_TWO_HOUSEHOLDS', field: 'phone', otherLine: first.line });
      return;
    }
    const user = snapshot.usersByPhone.get(phone);
    const livesIn = user ? index.residentHouseholdByUser.get(user.id) : undefined;
    if (livesIn && livesIn !== group.existing?.id) {
      row.issues.push({
        code: 'PHONE_RESIDENT_ELSEWHERE',
        field: 'phone',
        existing: index.labelOfHousehold(livesIn),
      });
      return;
    }
    row.resident = livesIn ? 'already-resident' : user ? 'existing-user' : 'new-user';
    if (user && user.name !== name) row.warnings.push({ code: 'NAME_DIFFERS', existing: user.name });
  } else if (name) {
    const already = group.existing ? index.existingNamesByHousehold.get(group.existing.id) : undefined;
    row.resident = already?.has(name) ? 'already-resident' : 'new-user';
  }
}

/** The row holds: let it complete what the household's first row left blank. */
function completeHousehold(
  row: ImportRow,
  key: string,
  floorInferred: boolean,
  group: HouseholdGroup,
  phoneFirstSeen: ImportState['phoneFirstSeen'],
): void {
  const { floor, headcount, name, phone } = row.values;
  const person = personKey(name, phone);
  if (phone) phoneFirstSeen.set(phone, { line: row.line, household: key });
  if (group.headcount === null && headcount !== null) group.headcount = headcount;
  if (group.floorInferred && floor !== null && !floorInferred) {
    group.floor = floor;
    group.floorInferred = false;
  }
  if (person) {
    group.people.add(person);
    group.residentRows += 1;
  }
  group.validRows += 1;
  if (floorInferred && !group.existing) row.warnings.push({ code: 'FLOOR_INFERRED' });
}

/** The buildings, stairwells and households to create for the groups some row of which holds. */
function planPlaceWrites(
  groups: Map<string, HouseholdGroup>,
  snapshot: RosterSnapshot,
  index: RosterIndex,
  write: ImportWritePlan,
): { householdsExisting: number } {
  let buildingRoute = Math.max(0, ...snapshot.buildings.map((b) => b.routeOrder));
  let stairwellRoute = Math.max(0, ...snapshot.stairwells.map((s) => s.routeOrder));
  const newBuildings = new Set<string>();
  const newStairwells = new Set<string>();
  let householdsExisting = 0;
  for (const g of groups.values()) {
    // Counted only when some row of it holds: the summary is what the file makes without its bad rows.
    if (g.validRows === 0) continue;
    if (g.existing) {
      householdsExisting += 1;
      continue;
    }
    if (!index.buildingByNumber.has(g.building) && !newBuildings.has(g.building)) {
      newBuildings.add(g.building);
      write.buildings.push({ number: g.building, routeOrder: ++buildingRoute });
    }
    const sKey = `${g.building}|${g.stairwell}`;
    if (!index.stairwellByKey.has(sKey) && !newStairwells.has(sKey)) {
      newStairwells.add(sKey);
      write.stairwells.push({ building: g.building, number: g.stairwell, routeOrder: ++stairwellRoute });
    }
    write.households.push({
      building: g.building,
      stairwell: g.stairwell,
      room: g.room,
      floor: g.floor!,
      headcount: g.headcount ?? Math.max(1, g.residentRows),
    });
  }
  return { householdsExisting };
}

/** The residents to add from the rows that hold, and the users to create for them. */
function planResidentWrites(
  rows: ImportRow[],
  snapshot: RosterSnapshot,
  write: ImportWritePlan,
): { usersToCreate: number; residentsAlreadyThere: number } {
  let usersToCreate = 0;
  let residentsAlreadyThere = 0;
  for (const row of rows) {
    if (row.issues.length > 0 || !row.resident) continue;
    if (row.resident === 'already-resident') {
      residentsAlreadyThere += 1;
      continue;
    }
    const v = row.values;
    const userId = v.phone ? (snapshot.usersByPhone.get(v.phone)?.id ?? null) : null;
    if (!userId) usersToCreate += 1;
    write.residents.push({
      building: v.building!,
      stairwell: v.stairwell!,
      room: v.room!,
      name: v.name!,
      phone: v.phone,
      userId,
    });
  }
  return { usersToCreate, residentsAlreadyThere };
}

/**
 * Validates every row of a roster file against itself and against what exists, and plans the
 * writes. Nothing is skipped quietly: each row either fits or carries the reasons it does not.
 * A room may appear on several rows (one row per resident) when the rows agree on the household.
 */
export function planRosterImport(
  table: readonly (readonly unknown[])[],
  snapshot: RosterSnapshot,
): ImportPlan {
  const file = readImportFile(table);
  if (!file.readable) return file.plan;
  const index = indexRoster(snapshot);
  const state: ImportState = { groups: new Map(), phoneFirstSeen: new Map() };
  const rows: ImportRow[] = [];
  for (const { line, cells } of file.dataRows) {
    const { row, floorInferred } = readRow(line, file.header.columns, cells);
    rows.push(row);
    planRow(row, floorInferred, snapshot, index, state);
  }
  const write = emptyWritePlan();
  const { householdsExisting } = planPlaceWrites(state.groups, snapshot, index, write);
  const { usersToCreate, residentsAlreadyThere } = planResidentWrites(rows, snapshot, write);
  const invalidRows = rows.filter((r) => r.issues.length > 0).length;
  const summary: ImportSummary = {
    rows: rows.length,
    validRows: rows.length - invalidRows,
    invalidRows,
    buildingsToCreate: write.buildings.length,
    stairwellsToCreate: write.stairwells.length,
    householdsToCreate: write.households.length,
    householdsExisting,
    residentsToAdd: write.residents.length,
    usersToCreate,
    residentsAlreadyThere,
  };
  return {
    ok: invalidRows === 0 && file.fileIssues.length === 0,
    fileIssues: file.fileIssues,
    rows,
    summary,
    write,
  };
}

/** The phones a file mentions (normalized), so the caller can look up only those users. */
export function phonesInTable(table: readonly (readonly unknown[])[]): string[] {
  const headerIndex = table.findIndex((r) => !isBlankRow(r));
  if (headerIndex < 0) return [];
  const col = mapHeaders(table[headerIndex]!).columns.indexOf('phone');
  if (col < 0) return [];
  const out = new Set<string>();
  for (let i = headerIndex + 1; i < table.length; i++) {
    const p = normalizePhone(table[i]![col]);
    if (p.ok) out.add(p.e164);
  }
  return [...out];
}
