import { describe, expect, it } from 'vitest';
import {
  ADMISSION_STATUSES,
  ADMISSION_TRANSITIONS,
  canTransition,
  checkField,
  computeChecklist,
  effectiveStatus,
  expiresWithin,
  illegalTransition,
  missingForSubmit,
  normalizePhone,
  normalizePlate,
  type AdmissionAction,
  type ApplicationData,
} from '@/server/services/merchant/rules';
import { fenToYuan, yuanToFen } from '@/server/services/shared/money';
import { localDate } from '@/server/services/shared/time';

const complete: ApplicationData = {
  legalName: '上海金山鲜丰超市有限公司',
  displayName: '鲜丰超市',
  kind: 'supermarket',
  creditCode: '91350100M000100Y43',
  contactName: '陈老板',
  contactPhone: '+8613800000005',
  foodPermitNo: 'JY13101160037215',
  foodPermitExpiresOn: '2026-06-30',
  vehiclePlate: '沪AD12345',
  driverName: '刘建军',
  driverPhone: '+8613900001234',
  vehiclePassExpiresOn: '2026-05-31',
};
const docs = ['business_licence', 'food_permit', 'vehicle_pass'].map((kind) => ({
  kind,
  createdAt: new Date(),
})) as {
  kind: 'business_licence' | 'food_permit' | 'vehicle_pass';
  createdAt: Date;
}[];

describe('field checks', () => {
  it('normalises phones to E.164, mainland China by default, and refuses invalid ones', () => {
    expect(normalizePhone('138 0013 8000')).toBe('+8613800138000');
    expect(normalizePhone('021-64370045')).toBe('+862164370045');
    expect(normalizePhone('+1 415 555 2671')).toBe('+14155552671');
    expect(normalizePhone('1380013800')).toBeNull(); // one digit short
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone('')).toBeNull();
  });

  it('normalises plates and refuses what is not a mainland plate', () => {
    expect(normalizePlate('沪A·12345')).toBe('沪A12345');
    expect(normalizePlate('沪 ad 12345')).toBe('沪AD12345');
    expect(normalizePlate('沪G·D3K827')).toBe('沪GD3K827');
    expect(normalizePlate('沪A12345D')).toBe('沪A12345D');
    expect(normalizePlate('AB12345')).toBeNull();
    expect(normalizePlate('沪A1234')).toBeNull();
    expect(normalizePlate('沪AO1234')).toBeNull(); // no letter O on plates
  });

  it('dates: a real calendar day, not before today', () => {
    const today = '2026-04-10';
    expect(checkField('foodPermitExpiresOn', '2026-04-10', today)).toEqual({ ok: true, value: '2026-04-10' });
    expect(checkField('foodPermitExpiresOn', '2026-04-09', today)).toEqual({
      ok: false,
      code: 'FOOD_PERMIT_EXPIRED',
    });
    expect(checkField('vehiclePassExpiresOn', '2025-12-31', today)).toEqual({
      ok: false,
      code: 'VEHICLE_PASS_EXPIRED',
    });
    expect(checkField('foodPermitExpiresOn', '2026-02-30', today)).toEqual({
      ok: false,
      code: 'DATE_INVALID',
    });
    expect(checkField('foodPermitExpiresOn', '30/06/2026', today)).toEqual({
      ok: false,
      code: 'DATE_INVALID',
    });
  });

  it('empty clears a field in a draft; long text is refused', () => {
    expect(checkField('creditCode', '  ', '2026-01-01')).toEqual({ ok: true, value: null });
    expect(checkField('displayName', 'x'.repeat(41), '2026-01-01')).toEqual({ ok: false, code: 'TOO_LONG' });
    expect(checkField('displayName', '  鲜丰   超市 ', '2026-01-01')).toEqual({
      ok: true,
      value: '鲜丰 超市',
    });
  });

  it('the calendar day is Shanghai’s', () => {
    expect(localDate(new Date('2026-04-09T16:30:00Z'))).toBe('2026-04-10');
    expect(localDate(new Date('2026-04-09T15:59:00Z'))).toBe('2026-04-09');
  });
});

describe('what a submission lacks', () => {
  it('nothing when complete', () => {
    expect(
      missingForSubmit(
        complete,
        docs,
        [{ personName: '刘', lastNegativeTestOn: '2026-04-09' }],
        '2026-04-10',
      ),
    ).toEqual({});
  });

  it('every empty field, every missing document, no attestations, a permit that lapsed since it was typed', () => {
    const m = missingForSubmit(
      { ...complete, legalName: '', creditCode: null, foodPermitExpiresOn: '2026-04-01' },
      [],
      [],
      '2026-04-10',
    );
    expect(m).toEqual({
      legalName: 'REQUIRED',
      creditCode: 'REQUIRED',
      foodPermitExpiresOn: 'FOOD_PERMIT_EXPIRED',
      'documents.business_licence': 'DOCUMENT_REQUIRED',
      'documents.food_permit': 'DOCUMENT_REQUIRED',
      healthAttestations: 'ATTESTATION_REQUIRED',
    });
  });

  it('the vehicle pass and its date may follow later (approval waits for them), but a lapsed date is still wrong', () => {
    const licenceAndPermit = docs.filter((d) => d.kind !== 'vehicle_pass');
    const att = [{ personName: '刘', lastNegativeTestOn: '2026-04-09' }];
    expect(
      missingForSubmit({ ...complete, vehiclePassExpiresOn: null }, licenceAndPermit, att, '2026-04-10'),
    ).toEqual({});
    expect(
      missingForSubmit(
        { ...complete, vehiclePassExpiresOn: '2026-04-01' },
        licenceAndPermit,
        att,
        '2026-04-10',
      ),
    ).toEqual({
      vehiclePassExpiresOn: 'VEHICLE_PASS_EXPIRED',
    });
  });
});

describe('checklist', () => {
  const now = new Date('2026-04-10T02:00:00Z'); // 10:00 in Shanghai
  it('all green', () => {
    const c = computeChecklist(complete, docs, [{ personName: '刘', lastNegativeTestOn: '2026-04-08' }], now);
    expect(c.map((i) => [i.key, i.ok])).toEqual([
      ['licence', true],
      ['permit', true],
      ['vehiclePass', true],
      ['health', true],
    ]);
  });

  it('flags a missing licence, an expired permit, a missing pass and a test older than 48 h', () => {
    const c = computeChecklist(
      { ...complete, foodPermitExpiresOn: '2026-04-09' },
      docs.filter((d) => d.kind === 'food_permit'),
      [
        { personName: '刘', lastNegativeTestOn: '2026-04-08' },
        { personName: '王', lastNegativeTestOn: '2026-04-07' },
      ],
      now,
    );
    expect(c).toEqual([
      { key: 'licence', ok: false, problem: 'MISSING' },
      { key: 'permit', ok: false, problem: 'EXPIRED', detail: '2026-04-09' },
      { key: 'vehiclePass', ok: false, problem: 'MISSING' },
      { key: 'health', ok: false, problem: 'STALE', detail: ['王'] },
    ]);
  });

  it('no attestation at all is flagged', () => {
    expect(computeChecklist(complete, docs, [], now)[3]).toEqual({
      key: 'health',
      ok: false,
      problem: 'NONE',
    });
  });
});

describe('admission state machine', () => {
  it('allows exactly the transitions of DESIGN.md §4', () => {
    const allowed: Record<AdmissionAction, string[]> = {
      submit: ['draft', 'changes_requested'],
      renew: ['expired'],
      approve: ['submitted'],
      requestChanges: ['submitted'],
      reject: ['submitted', 'changes_requested'],
      suspend: ['approved'],
      reinstate: ['suspended'],
      expire: ['approved'],
    };
    for (const action of Object.keys(ADMISSION_TRANSITIONS) as AdmissionAction[]) {
      for (const from of ADMISSION_STATUSES) {
        expect(canTransition(action, from), `${action} from ${from}`).toBe(allowed[action].includes(from));
      }
    }
  });

  it('an illegal transition comes with a stable code and a sentence naming both states', () => {
    const e = illegalTransition('approve', 'draft');
    expect(e.code).toBe('ADMISSION_CANNOT_APPROVE');
    expect(e.message).toContain('草稿');
    expect(e.message).toContain('待审核');
    expect(illegalTransition('reinstate', 'rejected').code).toBe('ADMISSION_CANNOT_REINSTATE');
  });

  it('approved with a lapsed document is effectively expired', () => {
    expect(effectiveStatus('approved', '2026-04-09', '2027-01-01', '2026-04-10')).toBe('expired');
    expect(effectiveStatus('approved', '2026-04-10', '2027-01-01', '2026-04-10')).toBe('approved');
    expect(effectiveStatus('suspended', '2026-04-09', null, '2026-04-10')).toBe('suspended');
  });

  it('expiring within 7 days counts today and the seventh day', () => {
    expect(expiresWithin('2026-04-17', '2030-01-01', '2026-04-10', 7)).toBe(true);
    expect(expiresWithin('2026-04-18', '2030-01-01', '2026-04-10', 7)).toBe(false);
    expect(expiresWithin('2026-04-09', '2030-01-01', '2026-04-10', 7)).toBe(false);
  });
});

describe('prices: yuan typed, fen stored, no floats', () => {
  it.each([
    ['12.50', 1250],
    ['12.5', 1250],
    ['0.1', 10],
    ['0.29', 29],
    ['19.99', 1999],
    ['1,299.00', 129900],
    ['¥39.9', 3990],
    ['０.３', 30],
    ['.5', 50],
    ['100000', 10_000_000],
    ['0', 0],
    // some decimal pads leave a trailing point
    ['12.', 1200],
  ])('%s → %i fen', (input, fen) => {
    expect(yuanToFen(input)).toBe(fen);
  });

  it.each(['', 'abc', '1.234', '-1', '1e3', '100000.01', '1 2', '.'])('refuses %j', (input) => {
    expect(yuanToFen(input)).toBeNull();
  });

  it('round-trips every fen amount up to ¥1000 exactly', () => {
    for (let fen = 0; fen <= 100_000; fen += 7) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
  });
});
