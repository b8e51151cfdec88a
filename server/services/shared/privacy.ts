/**
 * How one person is shown to another (docs/ARCHITECTURE.md, "Privacy"): residents see other
 * households only as `3号楼 2单元 2**室 张*`; phone numbers go to coordinators in full, to the
 * merchant as their last four digits, to logs as `+86 138****8000`. Every place that shows
 * another person's name, phone or room calls this module (tests/unit/privacy.test.ts checks).
 * Pure and dependency-free: the browser may import it.
 */

/** Two-character surnames common enough that masking after the first character would split them. */
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '南宫',
  '独孤',
  '西门',
  '澹台',
  '公冶',
  '太史',
  '申屠',
  '闻人',
  '万俟',
]);

/**
 * Surname only: `张桂英` → `张*`, `欧阳娜娜` → `欧阳*` (but `欧阳` alone, a given name after a
 * one-character surname, → `欧*`), `alice smith` → `A*`; nothing → ``.
 */
export function maskName(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  if (!n) return '';
  const chars = Array.from(n);
  if (/^\p{Script=Han}/u.test(n)) {
    const two = chars.slice(0, 2).join('');
    if (chars.length > 2 && COMPOUND_SURNAMES.has(two)) return `${two}*`;
    return `${chars[0]}*`;
  }
  return `${chars[0]!.toUpperCase()}*`;
}

/** `201` → `2**`, `1502` → `1***`, `5` → `*`: the floor's first digit stays, the door does not. */
export function maskRoom(room: string | null | undefined): string {
  const chars = Array.from((room ?? '').trim());
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

export type Place = { building: string; stairwell: string; room: string };

/** `3号楼 2单元 2**室` (zh) / `Bldg 3 Unit 2 Rm 2**` (en). */
export function maskedPlace(p: Place, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const room = maskRoom(p.room);
  return locale === 'en'
    ? `Bldg ${p.building} Unit ${p.stairwell} Rm ${room}`
    : `${p.building}号楼 ${p.stairwell}单元 ${room}室`;
}

/** Last four digits of a phone number, or null when there is none (residents without a phone). */
export function phoneLast4(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** `***8000`: what a merchant's staff see of a colleague's phone (the owner sees it whole). */
export function maskPhoneTail(phone: string | null | undefined): string | null {
  const last4 = phoneLast4(phone);
  return last4 ? `***${last4}` : null;
}

/** `+8613800138000` → `+86 138****8000`: for logs and messages that should not carry the full number. */
export function maskPhone(e164: string): string {
  const m = /^(\+86)(\d{3})\d{4}(\d{4})$/.exec(e164);
  if (m) return `${m[1]} ${m[2]}****${m[3]}`;
  return e164.length > 6 ? `${e164.slice(0, e164.length - 6)}**${e164.slice(-4)}` : '****';
}
