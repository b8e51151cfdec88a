import { describe, expect, it } from 'vitest';
import { relayText, type RelayTextSource } from '@/server/services/relay/relay-text';

const entry = (seq: number, name: string, room: string, active = true) => ({
  seq,
  active,
  building: '3',
  stairwell: '2',
  roomMasked: room,
  nameMasked: name,
  lines: [{ name: '东北大米', qty: seq }],
});

const relay: RelayTextSource = {
  title: '保供套餐第1期',
  merchantName: '鲜丰超市（朱泾店）',
  closesAt: new Date('2022-04-12T10:00:00Z'),
  deliveryDate: '2022-04-13',
  items: [
    { name: '东北大米', spec: '5kg/袋', unit: '袋', unitPriceFen: 3990 },
    { name: '鸡蛋', spec: '', unit: '盒', unitPriceFen: 4500 },
  ],
  progress: { kind: 'households', current: 2, target: 30 },
  // Newest first, as the page holds it; #2 was withdrawn.
  chain: [entry(3, '欧阳*', '5**'), entry(2, '李*', '3**', false), entry(1, '张*', '2**')],
};

describe('复制接龙文字', () => {
  const text = relayText(relay, 'http://localhost:3000/r/c/relays/r');
  const lines = text.split('\n');

  it('starts with the header: title, merchant, cutoff in the compound zone, delivery, progress', () => {
    expect(lines[0]).toBe('#接龙 保供套餐第1期');
    expect(lines[1]).toBe('鲜丰超市（朱泾店）');
    expect(lines[2]).toMatch(/^截单：2022-04-12 18:00 {2}送达：4月13日/);
    expect(lines[3]).toBe('成团：2 / 30 户');
  });

  it('lists the items with their prices', () => {
    expect(lines).toContain('1. 东北大米 5kg/袋 ¥39.90/袋');
    expect(lines).toContain('2. 鸡蛋 ¥45.00/盒');
  });

  it('numbers the chain by 接龙号 in order, masked, leaves withdrawn entries out and ends with the next number and the link', () => {
    const chain = lines.slice(lines.indexOf('接龙：') + 1);
    expect(chain).toEqual([
      '1. 3号楼 2单元 2**室 张* 东北大米×1',
      '3. 3号楼 2单元 5**室 欧阳* 东北大米×3',
      '4. （打开链接接龙）',
      '',
      'http://localhost:3000/r/c/relays/r',
    ]);
  });

  it('masks again whatever it is given: a full name or room never reaches the text', () => {
    const leaked = relayText({ ...relay, chain: [entry(1, '张桂英', '201')] }, 'u');
    expect(leaked).toContain('1. 3号楼 2单元 2**室 张* 东北大米×1');
    expect(leaked).not.toMatch(/桂英|201/);
  });

  it('reads in English', () => {
    const en = relayText(relay, 'u', 'en');
    expect(en).toContain('Cutoff: 2022-04-12 18:00');
    expect(en).toContain('1. Bldg 3 Unit 2 Rm 2** 张* 东北大米×1');
  });
});
