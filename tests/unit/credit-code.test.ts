import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  normalizeCreditCode,
  validateCreditCode,
} from '@/server/services/merchant/rules';

/**
 * Codes printed on the business licences of well-known companies (their public registration
 * records), plus the example of the standard's own annex. Each passes BOTH the GB 32100 check and
 * the embedded GB 11714 organisation-code check, which a code made up by hand almost never does.
 */
const PUBLISHED = {
  '91350100M000100Y43': 'GB 32100-2015 worked example',
  '9144030071526726XG': '腾讯科技（深圳）有限公司',
  '914403001922038216': '华为技术有限公司',
  '91110108551385082Q': '北京小米科技有限责任公司',
  '91110000802100433B': '北京百度网讯科技有限公司',
};

/** Built with the algorithm: registration 9 (市场监管) / 5 (民政) / 1 (机构编制), type, division, organisation code. */
const COMPUTED = ['91310116630512875', '52310000MJ4913047', '12100000400000374', '93310116MA1JXX1W0'].map(
  (first17) => first17 + creditCodeCheckChar(first17)!,
);

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(Object.entries(PUBLISHED))('accepts the published code %s (%s)', (code) => {
    expect(validateCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it.each(COMPUTED)('accepts %s, whose check character was computed', (code) => {
    expect(validateCreditCode(code).ok).toBe(true);
  });

  it('computes the check characters of the published codes', () => {
    for (const code of Object.keys(PUBLISHED)) expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('refuses a wrong check character with CREDIT_CODE_CHECK_DIGIT', () => {
    expect(validateCreditCode('91350100M000100Y44')).toMatchObject({
      ok: false,
      code: 'CREDIT_CODE_CHECK_DIGIT',
    });
    expect(validateCreditCode('9144030071526726XA')).toMatchObject({
      ok: false,
      code: 'CREDIT_CODE_CHECK_DIGIT',
    });
    expect(validateCreditCode('914403001922038217')).toMatchObject({
      ok: false,
      code: 'CREDIT_CODE_CHECK_DIGIT',
    });
  });

  it('refuses a typo anywhere in a valid code, and two neighbours swapped', () => {
    const code = '91110108551385082Q';
    for (let i = 0; i < 17; i++) {
      const ch = code[i] === '1' ? '2' : '1';
      const typo = code.slice(0, i) + ch + code.slice(i + 1);
      expect(validateCreditCode(typo).ok, typo).toBe(false);
    }
    // 8 and 5 swapped (…5138 → …1538)
    expect(validateCreditCode('91110108551538082Q').ok).toBe(false);
  });

  it('refuses wrong length, forbidden letters and a non-numeric division code with CREDIT_CODE_FORMAT', () => {
    expect(validateCreditCode('91350100M000100Y4')).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    expect(validateCreditCode('91350100M000100Y433')).toMatchObject({
      ok: false,
      code: 'CREDIT_CODE_FORMAT',
    });
    // I, O, S, V, Z are not in the standard's character set
    expect(validateCreditCode('91350100M0O0100Y43')).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    expect(validateCreditCode('91350100MS00100Y43')).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    // positions 3-8 are an administrative division code: digits only
    expect(validateCreditCode('913A0100M000100Y43')).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    expect(validateCreditCode('')).toMatchObject({ ok: false, code: 'CREDIT_CODE_FORMAT' });
  });

  it('accepts what people type: lower case, spaces, full-width characters', () => {
    expect(validateCreditCode(' 9144 0300 7152 6726 xg ')).toEqual({ ok: true, value: '9144030071526726XG' });
    expect(normalizeCreditCode('９１３５０１００Ｍ０００１００Ｙ４３')).toBe('91350100M000100Y43');
    expect(validateCreditCode('９１３５０１００Ｍ０００１００Ｙ４３').ok).toBe(true);
  });

  it('every 17-character body has exactly one valid check character', () => {
    const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const body = fc
      .tuple(
        fc.constantFrom(...'159Y'),
        fc.constantFrom(...'123'),
        fc.stringMatching(/^[0-9]{6}$/),
        fc.array(fc.constantFrom(...charset), { minLength: 9, maxLength: 9 }),
      )
      .map(([a, b, div, org]) => `${a}${b}${div}${org.join('')}`);
    fc.assert(
      fc.property(body, (first17) => {
        const valid = [...charset].filter((c) => validateCreditCode(first17 + c).ok);
        expect(valid).toEqual([creditCodeCheckChar(first17)]);
      }),
      { numRuns: 200 },
    );
  });
});
