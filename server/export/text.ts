/** Words printed in exports, per locale. Data (product names, rooms) is printed as entered. */
export type ExportLocale = 'zh-CN' | 'en';

const zh = {
  pickList: '拣货单',
  labels: '袋标签',
  totals: '商品汇总',
  stairwells: '楼道统计',
  bags: '分袋清单',
  product: '商品',
  spec: '规格',
  unit: '单位',
  unitPrice: '单价(元)',
  ordered: '订购数',
  toDeliver: '应发数',
  short: '缺货',
  amount: '金额(元)',
  refunded: '已退(元)',
  bagCount: '袋数',
  building: '楼栋',
  stairwell: '单元',
  floor: '楼层',
  room: '室',
  households: '户数',
  items: '件数',
  doorDelivery: '送上门',
  seq: '接龙号',
  name: '姓名',
  phoneLast4: '手机尾号',
  relay: '接龙',
  note: '备注',
  shortfall: '缺货明细',
  total: '合计',
  merchant: '商家',
  community: '小区',
  deliveryDate: '送货日期',
  generatedAt: '生成时间',
  page: (n: number) => `第 ${n} 页`,
  more: (n: number) => `…另有 ${n} 项`,
  buildingNo: (b: string) => `${b}号楼`,
  stairwellNo: (s: string) => `${s}单元`,
  roomNo: (r: string) => `${r}室`,
  tail: (p: string) => `尾号 ${p}`,
  summary: (bags: number, households: number, units: number) =>
    `共 ${bags} 袋 · ${households} 户 · ${units} 件`,
  pending: (n: number) => `另有 ${n} 个接龙尚未成团，未计入`,
  volunteerScope: '仅含您负责的楼道',
};

const en: typeof zh = {
  pickList: 'Pick list',
  labels: 'Bag labels',
  totals: 'Totals',
  stairwells: 'Stairwells',
  bags: 'Bags',
  product: 'Product',
  spec: 'Spec',
  unit: 'Unit',
  unitPrice: 'Unit price (¥)',
  ordered: 'Ordered',
  toDeliver: 'To deliver',
  short: 'Short',
  amount: 'Amount (¥)',
  refunded: 'Refunded (¥)',
  bagCount: 'Bags',
  building: 'Building',
  stairwell: 'Stairwell',
  floor: 'Floor',
  room: 'Room',
  households: 'Households',
  items: 'Items',
  doorDelivery: 'To the door',
  seq: 'No.',
  name: 'Name',
  phoneLast4: 'Phone (last 4)',
  relay: 'Relay',
  note: 'Note',
  shortfall: 'Shortfall',
  total: 'Total',
  merchant: 'Merchant',
  community: 'Compound',
  deliveryDate: 'Delivery date',
  generatedAt: 'Generated',
  page: (n: number) => `Page ${n}`,
  more: (n: number) => `…and ${n} more`,
  buildingNo: (b: string) => `Bldg ${b}`,
  stairwellNo: (s: string) => `Unit ${s}`,
  roomNo: (r: string) => `Rm ${r}`,
  tail: (p: string) => `…${p}`,
  summary: (bags: number, households: number, units: number) =>
    `${bags} bags · ${households} households · ${units} items`,
  pending: (n: number) => `${n} more relay(s) on this day have not formed and are not included`,
  volunteerScope: 'Only the stairwells you look after',
};

export type ExportText = typeof zh;
export function exportText(locale: ExportLocale): ExportText {
  return locale === 'en' ? en : zh;
}

/** Local wall-clock time in the compound (Asia/Shanghai), `2022-04-12 08:30`. */
export function formatLocal(d: Date, timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
