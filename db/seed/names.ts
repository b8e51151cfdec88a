import type { Prng } from './random';

/** Surnames weighted toward those common in Shanghai's suburbs (金山). Repeats are the weighting. */
const SURNAMES = [
  ...'张王陈李徐朱沈顾陆周吴黄杨钱金',
  ...'张王陈李徐朱沈顾陆周吴黄杨钱金',
  ...'蒋姚胡孙曹卫倪何郁范施俞汪唐马高丁潘蔡戴邱袁许宋夏程冯严褚毛方邵',
];

/** Given names by generation: people born in the 1930s–50s, 1970s–90s and after 2000 are named differently. */
const GIVEN = {
  elder: [
    '桂英',
    '秀英',
    '建国',
    '国强',
    '淑珍',
    '德明',
    '玉兰',
    '凤英',
    '志明',
    '根宝',
    '美华',
    '金娣',
    '兰英',
    '福根',
    '国平',
    '秀兰',
    '爱国',
    '梅芳',
    '振华',
    '雪琴',
    '菊英',
    '永祥',
    '惠珍',
    '文彬',
    '彩娣',
    '金宝',
    '月华',
    '培德',
    '素珍',
    '祥生',
  ],
  adult: [
    '伟',
    '敏',
    '静',
    '磊',
    '丽',
    '军',
    '红',
    '海燕',
    '晓东',
    '春华',
    '建华',
    '丽娟',
    '卫东',
    '红梅',
    '立新',
    '燕',
    '勇',
    '洁',
    '斌',
    '琳',
    '晓峰',
    '芳',
    '海峰',
    '雯',
    '俊',
    '颖',
    '志刚',
    '慧',
    '强',
    '佳',
  ],
  young: [
    '子涵',
    '欣怡',
    '浩然',
    '一诺',
    '梓萱',
    '宇轩',
    '诗涵',
    '俊杰',
    '雨桐',
    '子轩',
    '思彤',
    '博文',
    '佳怡',
    '梓涵',
    '皓轩',
    '可馨',
    '天佑',
    '若曦',
    '泽宇',
    '语桐',
  ],
} as const;

export type Generation = keyof typeof GIVEN;

export function pickSurname(rng: Prng): string {
  return rng.pick(SURNAMES);
}

export function personName(rng: Prng, surname: string, generation: Generation): string {
  return surname + rng.pick(GIVEN[generation]);
}

/** Mobile prefixes of the three carriers; 139 is left to the test fixtures so they never collide. */
const PREFIXES = [
  '133',
  '135',
  '136',
  '137',
  '150',
  '151',
  '152',
  '153',
  '158',
  '159',
  '180',
  '181',
  '186',
  '187',
  '188',
  '189',
];

/** Unique, valid-looking mainland mobile numbers in E.164, deterministic for a given PRNG. */
export class PhoneBook {
  private used = new Set<string>();
  constructor(
    private rng: Prng,
    reserved: Iterable<string> = [],
  ) {
    for (const p of reserved) this.used.add(p);
  }

  next(): string {
    for (;;) {
      const phone = `+86${this.rng.pick(PREFIXES)}${String(this.rng.int(0, 99_999_999)).padStart(8, '0')}`;
      if (!this.used.has(phone)) {
        this.used.add(phone);
        return phone;
      }
    }
  }
}
