/**
 * The three demo merchants, one per state the next issues need: admitted (approved, papers valid),
 * awaiting review (submitted), and one whose food permit has expired (admission expired).
 * Dates are fixed, never taken from the clock: the admitted merchant's papers run to 2029, the
 * expired one's permit lapsed on 2022-05-31.
 */
import type { admissions, merchantMembers, merchants, products, users } from '@/db/schema';
import { demoId } from './random';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A unified social credit code (统一社会信用代码, GB 32100-2015) with valid check characters: the
 * embedded organisation code's (GB 11714) and the code's own, so the seeded merchants pass the
 * validator a merchant's application goes through.
 */
export function creditCode(registration: string, division: string, orgBody: string): string {
  const orgSum = [...orgBody].reduce((s, ch, i) => s + Number(ch) * ORG_WEIGHTS[i]!, 0);
  const orgCheck = 11 - (orgSum % 11);
  const org = orgBody + (orgCheck === 10 ? 'X' : orgCheck === 11 ? '0' : String(orgCheck));
  const body = registration + division + org;
  const sum = [...body].reduce((s, ch, i) => s + CODE_CHARS.indexOf(ch) * CODE_WEIGHTS[i]!, 0);
  const check = (31 - (sum % 31)) % 31;
  return body + CODE_CHARS[check]!;
}

export type ProductKey =
  | 'rice'
  | 'eggs'
  | 'greens'
  | 'pork'
  | 'milk'
  | 'instantNoodles'
  | 'potatoes'
  | 'tomatoes'
  | 'oil'
  | 'driedNoodles'
  | 'vegBox';

type ProductSeed = { name: string; spec: string; unit: string; priceFen: number; category: string };

/** The admitted supermarket's catalog: what compounds bought in spring 2022, at the prices of the day. */
export const ADMITTED_CATALOG: Record<ProductKey, ProductSeed> = {
  rice: { name: '东北大米', spec: '5kg/袋', unit: '袋', priceFen: 3990, category: '粮油' },
  eggs: { name: '新鲜鸡蛋', spec: '30枚/盒', unit: '盒', priceFen: 2980, category: '蛋奶' },
  greens: { name: '青菜', spec: '500g/份', unit: '份', priceFen: 650, category: '蔬菜' },
  pork: { name: '猪前腿肉', spec: '500g/份', unit: '份', priceFen: 1800, category: '肉禽' },
  milk: { name: '纯牛奶', spec: '250ml×12盒/箱', unit: '箱', priceFen: 4900, category: '蛋奶' },
  instantNoodles: { name: '红烧牛肉方便面', spec: '5连包', unit: '包', priceFen: 1650, category: '方便食品' },
  potatoes: { name: '土豆', spec: '2.5kg/袋', unit: '袋', priceFen: 1500, category: '蔬菜' },
  tomatoes: { name: '西红柿', spec: '1kg/份', unit: '份', priceFen: 1200, category: '蔬菜' },
  oil: { name: '大豆油', spec: '5L/桶', unit: '桶', priceFen: 7990, category: '粮油' },
  driedNoodles: { name: '挂面', spec: '1kg/袋', unit: '袋', priceFen: 990, category: '粮油' },
  vegBox: {
    name: '保供蔬菜套餐',
    spec: '约5kg/箱（8种时令蔬菜）',
    unit: '箱',
    priceFen: 8800,
    category: '套餐',
  },
};

const PENDING_CATALOG: ProductSeed[] = [
  { name: '鸡毛菜', spec: '500g/份', unit: '份', priceFen: 800, category: '蔬菜' },
  { name: '土鸡蛋', spec: '20枚/盒', unit: '盒', priceFen: 3600, category: '蛋奶' },
  { name: '本地草莓', spec: '1kg/盒', unit: '盒', priceFen: 4500, category: '水果' },
  { name: '农家蔬菜箱', spec: '约4kg/箱', unit: '箱', priceFen: 6800, category: '套餐' },
];

const EXPIRED_CATALOG: ProductSeed[] = [
  { name: '方便面整箱', spec: '24袋/箱', unit: '箱', priceFen: 6200, category: '方便食品' },
  { name: '矿泉水', spec: '550ml×24瓶/箱', unit: '箱', priceFen: 3200, category: '饮料' },
  { name: '午餐肉罐头', spec: '340g/罐', unit: '罐', priceFen: 1890, category: '方便食品' },
];

export type MerchantPlan = {
  users: Insert<typeof users>[];
  merchants: Insert<typeof merchants>[];
  members: Insert<typeof merchantMembers>[];
  products: Insert<typeof products>[];
  admissions: Insert<typeof admissions>[];
  ids: { admitted: string; pending: string; expired: string };
  staffUserId: string;
  productIds: { admitted: Record<ProductKey, string>; pending: string[]; expired: string[] };
};

export function planMerchants(opts: {
  communityId: string;
  decidedBy: string;
  demoMerchant: { id: string; name: string; phone: string };
  phone: () => string;
}): MerchantPlan {
  const { communityId, decidedBy } = opts;
  const ids = {
    admitted: demoId('merchant:admitted'),
    pending: demoId('merchant:pending'),
    expired: demoId('merchant:expired'),
  };
  const staff = { id: demoId('user:merchant:admitted:staff'), name: '刘建军', phone: opts.phone() };
  const pendingOwner = { id: demoId('user:merchant:pending:owner'), name: '沈国华', phone: opts.phone() };
  const expiredOwner = { id: demoId('user:merchant:expired:owner'), name: '钱永良', phone: opts.phone() };

  const plan: MerchantPlan = {
    users: [
      { ...opts.demoMerchant, birthYear: 1979, locale: 'zh-CN' },
      { ...staff, birthYear: 1986, locale: 'zh-CN' },
      { ...pendingOwner, birthYear: 1971, locale: 'zh-CN' },
      { ...expiredOwner, birthYear: 1968, locale: 'zh-CN' },
    ],
    merchants: [
      {
        id: ids.admitted,
        legalName: '上海金山鲜丰超市有限公司',
        displayName: '鲜丰超市（朱泾店）',
        kind: 'supermarket',
        creditCode: creditCode('91', '310116', '63051287'),
        contactName: opts.demoMerchant.name,
        contactPhone: opts.demoMerchant.phone,
        foodPermitNo: 'JY13101160037215',
        foodPermitExpiresOn: '2029-06-30',
        vehiclePlate: '沪G·D3K827',
        driverName: staff.name,
        driverPhone: staff.phone,
        vehiclePassExpiresOn: '2028-12-31',
        createdBy: opts.demoMerchant.id,
      },
      {
        id: ids.pending,
        legalName: '上海市金山区朱泾镇秀州蔬果专业合作社',
        displayName: '秀州蔬果合作社',
        kind: 'farm_coop',
        creditCode: creditCode('93', '310116', '32469015'),
        contactName: pendingOwner.name,
        contactPhone: pendingOwner.phone,
        foodPermitNo: 'JY13101160052946',
        foodPermitExpiresOn: '2028-09-30',
        vehiclePlate: '沪G·A7219Q',
        driverName: pendingOwner.name,
        driverPhone: pendingOwner.phone,
        vehiclePassExpiresOn: '2028-03-31',
        createdBy: pendingOwner.id,
      },
      {
        id: ids.expired,
        legalName: '上海金山永良食品批发部',
        displayName: '永良食品批发',
        kind: 'wholesaler',
        creditCode: creditCode('92', '310116', '58140736'),
        contactName: expiredOwner.name,
        contactPhone: expiredOwner.phone,
        foodPermitNo: 'JY13101160018830',
        foodPermitExpiresOn: '2022-05-31',
        vehiclePlate: '沪G·Q5530L',
        driverName: expiredOwner.name,
        driverPhone: expiredOwner.phone,
        vehiclePassExpiresOn: '2028-06-30',
        createdBy: expiredOwner.id,
      },
    ],
    members: [
      { merchantId: ids.admitted, userId: opts.demoMerchant.id, role: 'owner' },
      { merchantId: ids.admitted, userId: staff.id, role: 'staff' },
      { merchantId: ids.pending, userId: pendingOwner.id, role: 'owner' },
      { merchantId: ids.expired, userId: expiredOwner.id, role: 'owner' },
    ],
    products: [],
    admissions: [
      {
        id: demoId('admission:zhonglou:admitted'),
        communityId,
        merchantId: ids.admitted,
        status: 'approved',
        submittedAt: new Date('2022-04-18T09:12:00+08:00'),
        decidedBy,
        decidedAt: new Date('2022-04-18T15:40:00+08:00'),
      },
      {
        id: demoId('admission:zhonglou:pending'),
        communityId,
        merchantId: ids.pending,
        status: 'submitted',
        submittedAt: new Date('2022-05-06T08:30:00+08:00'),
      },
      {
        id: demoId('admission:zhonglou:expired'),
        communityId,
        merchantId: ids.expired,
        status: 'expired',
        reason: '食品经营许可证已于 2022-05-31 到期 / The food business permit expired on 2022-05-31',
        submittedAt: new Date('2022-04-20T10:05:00+08:00'),
        decidedBy,
        decidedAt: new Date('2022-04-20T16:20:00+08:00'),
        // Approved in April; the timed job found the lapsed permit the night it expired.
        expiredAt: new Date('2022-06-01T00:05:00+08:00'),
      },
    ],
    ids,
    staffUserId: staff.id,
    productIds: { admitted: {} as Record<ProductKey, string>, pending: [], expired: [] },
  };

  for (const [key, p] of Object.entries(ADMITTED_CATALOG) as [ProductKey, ProductSeed][]) {
    const id = demoId(`product:admitted:${key}`);
    plan.productIds.admitted[key] = id;
    plan.products.push({ id, merchantId: ids.admitted, ...p });
  }
  PENDING_CATALOG.forEach((p, i) => {
    const id = demoId(`product:pending:${i}`);
    plan.productIds.pending.push(id);
    plan.products.push({ id, merchantId: ids.pending, ...p });
  });
  EXPIRED_CATALOG.forEach((p, i) => {
    const id = demoId(`product:expired:${i}`);
    plan.productIds.expired.push(id);
    plan.products.push({ id, merchantId: ids.expired, ...p });
  });
  return plan;
}
