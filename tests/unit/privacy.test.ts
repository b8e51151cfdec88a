import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskedPlace,
  maskName,
  maskPhone,
  maskPhoneTail,
  maskRoom,
  phoneLast4,
} from '@/server/services/shared/privacy';

describe('names (DESIGN.md §5: surname only)', () => {
  it('keeps a one-character surname', () => {
    expect(maskName('张桂英')).toBe('张*');
    expect(maskName('李明')).toBe('李*');
    expect(maskName('  王建国 ')).toBe('王*');
  });
  it('keeps a compound surname whole', () => {
    expect(maskName('欧阳娜娜')).toBe('欧阳*');
    expect(maskName('司马光明')).toBe('司马*');
    expect(maskName('诸葛亮')).toBe('诸葛*');
    expect(maskName('上官婉儿')).toBe('上官*');
  });
  it('reads a two-character name as surname + given name, even when it spells a compound surname', () => {
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('司马')).toBe('司*');
  });
  it('shows a Latin name as its capital initial', () => {
    expect(maskName('alice smith')).toBe('A*');
    expect(maskName('Bob')).toBe('B*');
  });
  it('shows nothing for no name', () => {
    expect(maskName('')).toBe('');
    expect(maskName('   ')).toBe('');
    expect(maskName(null)).toBe('');
    expect(maskName(undefined)).toBe('');
  });
  it('never shows more than a surname (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom(...'张王李赵钱孙周吴郑冯陈欧阳司马') }),
        (n) => {
          const m = maskName(n);
          expect(m.endsWith('*')).toBe(true);
          expect(Array.from(m).length).toBeLessThanOrEqual(3);
        },
      ),
    );
  });
});

describe('rooms', () => {
  it('keeps the first character only', () => {
    expect(maskRoom('201')).toBe('2**');
    expect(maskRoom('1502')).toBe('1***');
    expect(maskRoom(' 301 ')).toBe('3**');
  });
  it('hides a one-character room entirely', () => {
    expect(maskRoom('5')).toBe('*');
    expect(maskRoom('A')).toBe('*');
    expect(maskRoom('')).toBe('*');
    expect(maskRoom(null)).toBe('*');
  });
  it('never leaks more than the first character (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 8 }), (s) => {
        expect(
          Array.from(maskRoom(s))
            .slice(1)
            .every((c) => c === '*'),
        ).toBe(true);
      }),
    );
  });
  it('writes a place the way residents see each other', () => {
    expect(maskedPlace({ building: '3', stairwell: '2', room: '201' })).toBe('3号楼 2单元 2**室');
    expect(maskedPlace({ building: '3', stairwell: '2', room: '201' }, 'en')).toBe('Bldg 3 Unit 2 Rm 2**');
    expect(maskedPlace({ building: '3', stairwell: '2', room: '5' })).toBe('3号楼 2单元 *室');
  });
});

describe('phones', () => {
  it('gives the merchant the last 4 digits, or nothing', () => {
    expect(phoneLast4('+8613800138000')).toBe('8000');
    expect(phoneLast4('138 0013 8123')).toBe('8123');
    expect(phoneLast4('12')).toBeNull();
    expect(phoneLast4(null)).toBeNull();
    expect(maskPhoneTail('+8613800138000')).toBe('***8000');
    expect(maskPhoneTail(null)).toBeNull();
  });
  it('masks a mainland number to its first 3 and last 4 digits for logs', () => {
    expect(maskPhone('+8613800138000')).toBe('+86 138****8000');
    expect(maskPhone('+85291234567')).toBe('+85291**4567');
    expect(maskPhone('+1')).toBe('****');
  });
});

// ─── One module: the rules exist once, and every place that shows someone else uses them ───────

const ROOT = join(__dirname, '..', '..');
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}
const PRIVACY = 'server/services/shared/privacy.ts';
const code = [...sources('server'), ...sources('app'), ...sources('db')]
  .filter((f) => f !== PRIVACY && !f.startsWith('server/payments/stripe-mock/'))
  .map((f) => ({ file: relative(ROOT, join(ROOT, f)), text: readFileSync(join(ROOT, f), 'utf8') }));

describe('one privacy module', () => {
  it('is the only place masking is implemented', () => {
    const offenders = code
      .filter(
        ({ text }) =>
          /function\s+mask\w*\s*\(/.test(text) ||
          /const\s+mask\w*\s*=/.test(text) ||
          /COMPOUND_SURNAMES/.test(text) ||
          /'\*'\.repeat\(/.test(text),
      )
      .map((c) => c.file);
    expect(offenders).toEqual([]);
  });

  it('is what every view of another person goes through', () => {
    // Fields that carry someone else's name, room or phone to a viewer who may see it only masked.
    const field =
      /\b(nameMasked|roomMasked|maskedName|residentName|residents|by|phoneLast4|who)\s*:\s*([^\n]+)/g;
    const unmasked: string[] = [];
    let seen = 0;
    for (const { file, text } of code.filter((c) => c.file.startsWith('server/services/'))) {
      for (const m of text.matchAll(field)) {
        const rhs = m[2]!;
        // Type declarations (`residentName: string`) and plain literals are not views.
        if (/^(string|number|boolean|null|readonly|Array|\{|\[|'|`|\w+\[\])/.test(rhs.trim())) continue;
        if (!/\b(name|room|phone|names)\b|recipient_/.test(rhs)) continue;
        seen++;
        if (!/\b(maskName|maskRoom|maskedPlace|phoneLast4|maskPhoneTail|maskPhone)\(/.test(rhs)) {
          unmasked.push(`${file}: ${m[0]}`);
        }
      }
    }
    expect(unmasked).toEqual([]);
    expect(seen).toBeGreaterThanOrEqual(5);
  });

  it('is imported by every verb that shows residents or merchants someone else', () => {
    const viewers = [
      'server/services/relay/load.ts', // the chain of a relay
      'server/services/relay/rules.ts', // the chain as text in notifications
      'server/services/relay/list-order-for-households.ts',
      'server/services/picklist/load.ts', // pick lists and labels for the merchant
      'server/services/distribution/list-checkoff-bags.ts',
      'server/services/distribution/get-household-bags.ts',
      'server/services/distribution/check-off-bag.ts',
      'server/services/merchant/list-team.ts',
    ];
    for (const f of viewers) {
      const c = code.find((x) => x.file === f);
      expect(c, f).toBeDefined();
      expect(c!.text, f).toMatch(/from '@\/server\/services\/shared\/privacy'/);
    }
  });
});
