/**
 * Pure rules of merchant onboarding (核查准入): field validation, what a submission still lacks,
 * the reviewer's checklist, and the admission state machine. No database here;
 * everything is unit-tested in tests/unit.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { localDate } from '@/server/services/shared/time';

// ───────────────────────── 统一社会信用代码 (GB 32100-2015) ─────────────────────────

/** The 31 characters the standard allows (no I, O, S, V, Z: they read like 1, 0, 5, U, 2). */
const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weight of position i is 3^i mod 31. */
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** What people type: spaces, full-width characters, lower case. */
export function normalizeCreditCode(raw: string): string {
  return raw
    .normalize('NFKC') // full-width Ａ１ → A1
    .replace(/[\s-]/g, '')
    .toUpperCase();
}

/** The check character for the first 17 characters, or null when one of them is not allowed. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARSET.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

type CreditCodeResult =
  | { ok: true; value: string }
  | { ok: false; code: 'CREDIT_CODE_FORMAT' | 'CREDIT_CODE_CHECK_DIGIT'; value: string };

/**
 * GB 32100-2015: 18 characters — registration authority (1), organisation type (1),
 * administrative division (6 digits), organisation code (9), check character (1).
 * Only the standard's own check character is verified: it catches every single-character typo and
 * every swap of two neighbours, which is what people actually get wrong when copying a licence.
 */
export function validateCreditCode(raw: string): CreditCodeResult {
  const value = normalizeCreditCode(raw);
  if (value.length !== 18) return { ok: false, code: 'CREDIT_CODE_FORMAT', value };
  for (const ch of value)
    if (!CREDIT_CODE_CHARSET.includes(ch)) return { ok: false, code: 'CREDIT_CODE_FORMAT', value };
  if (!/^[0-9]{6}$/.test(value.slice(2, 8))) return { ok: false, code: 'CREDIT_CODE_FORMAT', value };
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17])
    return { ok: false, code: 'CREDIT_CODE_CHECK_DIGIT', value };
  return { ok: true, value };
}

// ───────────────────────── phones, plates, dates ─────────────────────────

/** E.164 (`+8613800138000`) for a valid number, mainland China when no country is given; else null. */
export function normalizePhone(raw: string, defaultCountry: 'CN' = 'CN'): string | null {
  const trimmed = raw.normalize('NFKC').trim();
  if (!trimmed) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]{5}|[0-9]{5}[DF])[挂学]?$`,
);

/** 沪A·12345 / 沪 AD 12345 → 沪A12345 / 沪AD12345; null when it is not a mainland plate. */
export function normalizePlate(raw: string): string | null {
  const v = raw
    .normalize('NFKC')
    .replace(/[\s·.\-•]/g, '')
    .toUpperCase();
  return PLATE.test(v) ? v : null;
}

/** A real calendar date in YYYY-MM-DD (2023-02-30 is not). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A document dated `expiresOn` is still valid on its last day; it lapses the day after. */
export function isLapsed(expiresOn: string | null, today: string): boolean {
  return expiresOn !== null && expiresOn < today;
}

// ───────────────────────── the application ─────────────────────────

export const MERCHANT_KINDS = ['supermarket', 'farm_coop', 'wholesaler', 'restaurant', 'other'] as const;
type MerchantKind = (typeof MERCHANT_KINDS)[number];

export const DOCUMENT_KINDS = ['business_licence', 'food_permit', 'vehicle_pass', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** Documents an admission needs on file (and in date) to be approved or reinstated. */
export const REQUIRED_DOCUMENT_KINDS: readonly DocumentKind[] = [
  'business_licence',
  'food_permit',
  'vehicle_pass',
];
/**
 * Documents needed to send an application for review. The vehicle pass (车辆通行证) is issued by
 * the district for a named vehicle and often arrives after the licence and permit; review can start
 * without it, the reviewer's checklist flags it, and approval waits for it.
 */
const SUBMIT_DOCUMENT_KINDS: readonly DocumentKind[] = ['business_licence', 'food_permit'];
/** Fields that may stay empty on submission: the vehicle pass's date comes with the pass. */
const OPTIONAL_ON_SUBMIT: readonly ApplicationField[] = ['vehiclePassExpiresOn'];

/** Text fields of the application, saved one by one as the applicant goes. */
const TEXT_FIELDS = [
  'legalName',
  'displayName',
  'creditCode',
  'contactName',
  'contactPhone',
  'foodPermitNo',
  'vehiclePlate',
  'driverName',
  'driverPhone',
] as const;
const DATE_FIELDS = ['foodPermitExpiresOn', 'vehiclePassExpiresOn'] as const;
const APPLICATION_FIELDS = [...TEXT_FIELDS, 'kind', ...DATE_FIELDS] as const;
export type ApplicationField = (typeof APPLICATION_FIELDS)[number];

/** Where a field's error is shown; documents and attestations are "fields" of the form too. */
export type FormField = ApplicationField | `documents.${DocumentKind}` | 'healthAttestations';
export const FORM_FIELDS: readonly FormField[] = [
  ...APPLICATION_FIELDS,
  ...DOCUMENT_KINDS.map((k) => `documents.${k}` as const),
  'healthAttestations',
];

export type ApplicationData = {
  legalName: string;
  displayName: string;
  kind: MerchantKind;
  creditCode: string | null;
  contactName: string | null;
  contactPhone: string | null;
  foodPermitNo: string | null;
  foodPermitExpiresOn: string | null;
  vehiclePlate: string | null;
  driverName: string | null;
  driverPhone: string | null;
  vehiclePassExpiresOn: string | null;
};

export type FieldErrorCode =
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'CREDIT_CODE_FORMAT'
  | 'CREDIT_CODE_CHECK_DIGIT'
  | 'PHONE_INVALID'
  | 'PLATE_INVALID'
  | 'DATE_INVALID'
  | 'FOOD_PERMIT_EXPIRED'
  | 'VEHICLE_PASS_EXPIRED'
  | 'DOCUMENT_REQUIRED'
  | 'ATTESTATION_REQUIRED';

/** One sentence per code, zh / en, for server messages (the UI translates the code itself). */
export const FIELD_ERROR_MESSAGES: Record<FieldErrorCode, string> = {
  REQUIRED: '此项必填 / This field is required.',
  TOO_LONG: '内容太长 / This is too long.',
  CREDIT_CODE_FORMAT:
    '统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z） / The unified social credit code has 18 digits or capital letters (no I, O, S, V, Z).',
  CREDIT_CODE_CHECK_DIGIT:
    '统一社会信用代码校验位不对，请对照营业执照逐位核对 / The check digit of this credit code is wrong; compare it character by character with the business licence.',
  PHONE_INVALID: '手机号码无效 / This phone number is not valid.',
  PLATE_INVALID:
    '车牌号格式不对，例如 沪A12345 或 沪AD12345 / Not a valid plate, e.g. 沪A12345 or 沪AD12345.',
  DATE_INVALID: '日期无效 / This date is not valid.',
  FOOD_PERMIT_EXPIRED:
    '食品经营许可证已过期，请先续期 / The food business permit has expired; renew it first.',
  VEHICLE_PASS_EXPIRED: '车辆通行证已过期，请先续期 / The vehicle pass has expired; renew it first.',
  DOCUMENT_REQUIRED: '请上传此证件 / Please upload this document.',
  ATTESTATION_REQUIRED: '请至少填写一位员工的核酸阴性证明 / Add at least one staff health attestation.',
};

const MAX_LEN: Record<(typeof TEXT_FIELDS)[number], number> = {
  legalName: 100,
  displayName: 40,
  creditCode: 40,
  contactName: 40,
  contactPhone: 40,
  foodPermitNo: 40,
  vehiclePlate: 20,
  driverName: 40,
  driverPhone: 40,
};

type FieldCheck<T> = { ok: true; value: T } | { ok: false; code: FieldErrorCode };

/**
 * Validates one text or date field as the applicant saves it. Empty clears the field (a draft may
 * be incomplete); anything typed must already be right, so a draft never holds a wrong value.
 */
export function checkField(
  field: (typeof TEXT_FIELDS)[number] | (typeof DATE_FIELDS)[number],
  raw: string | null,
  today: string,
): FieldCheck<string | null> {
  const trimmed = (raw ?? '').trim();
  if (trimmed === '') return { ok: true, value: null };
  switch (field) {
    case 'creditCode': {
      const r = validateCreditCode(trimmed);
      return r.ok ? { ok: true, value: r.value } : { ok: false, code: r.code };
    }
    case 'contactPhone':
    case 'driverPhone': {
      const p = normalizePhone(trimmed);
      return p ? { ok: true, value: p } : { ok: false, code: 'PHONE_INVALID' };
    }
    case 'vehiclePlate': {
      const p = normalizePlate(trimmed);
      return p ? { ok: true, value: p } : { ok: false, code: 'PLATE_INVALID' };
    }
    case 'foodPermitExpiresOn':
    case 'vehiclePassExpiresOn': {
      if (!isIsoDate(trimmed)) return { ok: false, code: 'DATE_INVALID' };
      if (trimmed < today)
        return {
          ok: false,
          code: field === 'foodPermitExpiresOn' ? 'FOOD_PERMIT_EXPIRED' : 'VEHICLE_PASS_EXPIRED',
        };
      return { ok: true, value: trimmed };
    }
    default: {
      const collapsed = trimmed.replace(/\s+/g, ' ');
      if (collapsed.length > MAX_LEN[field]) return { ok: false, code: 'TOO_LONG' };
      return { ok: true, value: collapsed };
    }
  }
}

export type AttestationData = { personName: string; lastNegativeTestOn: string };
export type DocumentSummary = { kind: DocumentKind; createdAt: Date };

/**
 * Everything a submission still lacks, field by field (empty when it can be submitted). Stored
 * values are checked again because time passes: a permit valid when typed may have lapsed since.
 */
export function missingForSubmit(
  app: ApplicationData,
  documents: readonly DocumentSummary[],
  attestations: readonly AttestationData[],
  today: string,
): Partial<Record<FormField, FieldErrorCode>> {
  const missing: Partial<Record<FormField, FieldErrorCode>> = {};
  for (const f of [...TEXT_FIELDS, ...DATE_FIELDS]) {
    const v = app[f];
    if (v === null || v.trim() === '') {
      if (!OPTIONAL_ON_SUBMIT.includes(f)) missing[f] = 'REQUIRED';
      continue;
    }
    const r = checkField(f, v, today);
    if (!r.ok) missing[f] = r.code;
  }
  for (const kind of SUBMIT_DOCUMENT_KINDS) {
    if (!documents.some((d) => d.kind === kind)) missing[`documents.${kind}`] = 'DOCUMENT_REQUIRED';
  }
  if (attestations.length === 0) missing.healthAttestations = 'ATTESTATION_REQUIRED';
  return missing;
}

// ───────────────────────── the reviewer's checklist ─────────────────────────

const HEALTH_ATTESTATION_MAX_AGE_HOURS = 48;

type ChecklistItem = {
  key: 'licence' | 'permit' | 'vehiclePass' | 'health';
  ok: boolean;
  /** What is wrong, as a stable code the UI translates. */
  problem: null | 'MISSING' | 'EXPIRED' | 'NO_DATE' | 'STALE' | 'NONE';
  /** Expiry date of the document, or the names of people whose test is too old. */
  detail?: string | string[];
};

/**
 * Computed for the reviewer on every view (never stored): licence present, permit present and
 * unexpired, vehicle pass present and unexpired, every listed person tested negative within 48 h.
 * Test results carry only a date, so "within 48 h" means on or after the date 48 h ago.
 */
export function computeChecklist(
  app: Pick<ApplicationData, 'foodPermitExpiresOn' | 'vehiclePassExpiresOn' | 'foodPermitNo'>,
  documents: readonly DocumentSummary[],
  attestations: readonly AttestationData[],
  now: Date,
): ChecklistItem[] {
  const today = localDate(now);
  const has = (k: DocumentKind) => documents.some((d) => d.kind === k);
  const dated = (
    key: 'permit' | 'vehiclePass',
    kind: DocumentKind,
    expiresOn: string | null,
  ): ChecklistItem => {
    if (!has(kind)) return { key, ok: false, problem: 'MISSING' };
    if (!expiresOn) return { key, ok: false, problem: 'NO_DATE' };
    if (isLapsed(expiresOn, today)) return { key, ok: false, problem: 'EXPIRED', detail: expiresOn };
    return { key, ok: true, problem: null, detail: expiresOn };
  };
  const oldest = localDate(new Date(now.getTime() - HEALTH_ATTESTATION_MAX_AGE_HOURS * 3600_000));
  const stale = attestations.filter((a) => a.lastNegativeTestOn < oldest).map((a) => a.personName);
  return [
    { key: 'licence', ok: has('business_licence'), problem: has('business_licence') ? null : 'MISSING' },
    dated('permit', 'food_permit', app.foodPermitExpiresOn),
    dated('vehiclePass', 'vehicle_pass', app.vehiclePassExpiresOn),
    attestations.length === 0
      ? { key: 'health', ok: false, problem: 'NONE' }
      : stale.length > 0
        ? { key: 'health', ok: false, problem: 'STALE', detail: stale }
        : { key: 'health', ok: true, problem: null },
  ];
}

// ───────────────────────── the admission state machine ─────────────────────────

export const ADMISSION_STATUSES = [
  'draft',
  'submitted',
  'changes_requested',
  'approved',
  'rejected',
  'suspended',
  'expired',
] as const;
export type AdmissionStatus = (typeof ADMISSION_STATUSES)[number];

/**
 * docs/ARCHITECTURE.md, Lifecycles: draft → submitted → (changes_requested → submitted)* → approved | rejected;
 * approved ⇄ suspended; approved → expired when a required document lapses; a renewed document
 * sends an expired admission back to review. Rejected is final for that compound.
 */
export const ADMISSION_TRANSITIONS = {
  submit: { from: ['draft', 'changes_requested'], to: 'submitted' },
  renew: { from: ['expired'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  requestChanges: { from: ['submitted'], to: 'changes_requested' },
  reject: { from: ['submitted', 'changes_requested'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
  expire: { from: ['approved'], to: 'expired' },
} as const satisfies Record<string, { from: readonly AdmissionStatus[]; to: AdmissionStatus }>;
export type AdmissionAction = keyof typeof ADMISSION_TRANSITIONS;

export function canTransition(action: AdmissionAction, from: AdmissionStatus): boolean {
  return (ADMISSION_TRANSITIONS[action].from as readonly AdmissionStatus[]).includes(from);
}

const STATUS_LABEL: Record<AdmissionStatus, string> = {
  draft: '草稿（尚未提交） / a draft that was never submitted',
  submitted: '待审核 / waiting for review',
  changes_requested: '待商家修改 / waiting for the merchant’s changes',
  approved: '已准入 / already admitted',
  rejected: '已拒绝 / rejected',
  suspended: '已暂停 / suspended',
  expired: '证照已过期 / expired',
};

const TRANSITION_ERROR_CODES: Record<AdmissionAction, string> = {
  submit: 'ADMISSION_CANNOT_SUBMIT',
  renew: 'ADMISSION_CANNOT_RENEW',
  approve: 'ADMISSION_CANNOT_APPROVE',
  requestChanges: 'ADMISSION_CANNOT_REQUEST_CHANGES',
  reject: 'ADMISSION_CANNOT_REJECT',
  suspend: 'ADMISSION_CANNOT_SUSPEND',
  reinstate: 'ADMISSION_CANNOT_REINSTATE',
  expire: 'ADMISSION_CANNOT_EXPIRE',
};

const ACTION_LABEL: Record<AdmissionAction, string> = {
  submit: '提交 / submit',
  renew: '续期送审 / send for renewal review',
  approve: '批准 / approve',
  requestChanges: '要求修改 / request changes to',
  reject: '拒绝 / reject',
  suspend: '暂停 / suspend',
  reinstate: '恢复 / reinstate',
  expire: '标记过期 / expire',
};

/** The stable code and a sentence a person can act on, for an action the state does not allow. */
export function illegalTransition(
  action: AdmissionAction,
  from: AdmissionStatus,
): { code: string; message: string } {
  const allowed = ADMISSION_TRANSITIONS[action].from.map((s) => STATUS_LABEL[s].split(' / ')[0]).join('、');
  const allowedEn = ADMISSION_TRANSITIONS[action].from.map((s) => STATUS_LABEL[s].split(' / ')[1]).join(', ');
  const [zhFrom, enFrom] = STATUS_LABEL[from].split(' / ');
  const [zhAction, enAction] = ACTION_LABEL[action].split(' / ');
  return {
    code: TRANSITION_ERROR_CODES[action],
    message:
      `该申请当前状态为「${zhFrom}」，不能${zhAction}；只有「${allowed}」状态可以。` +
      ` / You cannot ${enAction} an application that is ${enFrom}; only one that is ${allowedEn}.`,
  };
}

/**
 * What a coordinator should see: an approved admission whose permit or pass has lapsed is expired
 * already, even before the timed job has written it down.
 */
export function effectiveStatus(
  status: AdmissionStatus,
  permitExpiresOn: string | null,
  passExpiresOn: string | null,
  today: string,
): AdmissionStatus {
  if (status === 'approved' && (isLapsed(permitExpiresOn, today) || isLapsed(passExpiresOn, today)))
    return 'expired';
  return status;
}

/** Approved and a required document runs out within `days` days (today included). */
export function expiresWithin(
  permitExpiresOn: string | null,
  passExpiresOn: string | null,
  today: string,
  days: number,
): boolean {
  const limit = addDays(today, days);
  return [permitExpiresOn, passExpiresOn].some((d) => d !== null && d >= today && d <= limit);
}
