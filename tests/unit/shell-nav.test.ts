import { describe, expect, it } from 'vitest';
import { destinationsOf } from '@/app/_components/destinations';
import { isActive, resolveHref } from '@/app/_components/nav-href';
import { NAV_ITEMS } from '@/app/_components/nav-items';
import type { Me, MeCommunity } from '@/server/services/platform/get-me';

const C = '11111111-1111-4111-8111-111111111111';
const D = '22222222-2222-4222-8222-222222222222';
const M = '33333333-3333-4333-8333-333333333333';

const community = (over: Partial<MeCommunity>): MeCommunity => ({
  id: C,
  name: '钟楼新村',
  district: '金山区朱泾镇',
  roles: [],
  household: null,
  stairwells: [],
  ...over,
});
const me = (over: Partial<Me>): Me => ({
  user: { id: 'u', name: '王建国', phone: null, locale: 'zh-CN', bigText: false },
  communities: [],
  merchants: [],
  unreadNotifications: 0,
  ...over,
});

describe('nav items', () => {
  it('fill in the ids a pattern needs, and skip an item whose id is unknown here', () => {
    expect(resolveHref('/c/[communityId]/roster', { communityId: C })).toBe(`/c/${C}/roster`);
    expect(resolveHref('/m/[merchantId]/catalog', { merchantId: M })).toBe(`/m/${M}/catalog`);
    expect(resolveHref('/m/[merchantId]', { communityId: C })).toBeNull();
  });

  it('highlight a role home only on itself, and a section on its whole subtree', () => {
    const home = NAV_ITEMS.coordinator[0]!;
    expect(isActive(home.exact, `/c/${C}`, `/c/${C}`)).toBe(true);
    expect(isActive(home.exact, `/c/${C}`, `/c/${C}/roster`)).toBe(false);
    const roster = NAV_ITEMS.coordinator.find((i) => i.href === '/c/[communityId]/roster')!;
    expect(isActive(roster.exact, `/c/${C}/roster`, `/c/${C}/roster/h/9`)).toBe(true);
    expect(isActive(roster.exact, `/c/${C}/roster`, `/c/${C}/rosterx`)).toBe(false);
  });

  it('give every role a home first, and use labels that name their namespace', () => {
    for (const items of Object.values(NAV_ITEMS)) {
      expect(items[0]!.exact).toBe(true);
      for (const i of items) expect(i.label).toMatch(/^[a-z]+\.[\w.]+$/);
    }
  });
});

describe('where a person can go', () => {
  it('lists one card per role held, coordinators not twice', () => {
    const d = destinationsOf(
      me({
        communities: [
          community({ roles: ['admin'] }),
          community({
            id: D,
            name: '东苑新村',
            roles: ['volunteer', 'resident'],
            household: { id: 'h', building: '3', stairwell: '2', floor: 5, room: '502' },
            stairwells: [{ id: 's', building: '3', stairwell: '2', role: 'leader' }],
          }),
        ],
        merchants: [{ id: M, displayName: '鲜丰超市', legalName: '上海鲜丰', role: 'owner' }],
      }),
    );
    expect(d.map((x) => [x.area, x.href, x.detail])).toEqual([
      ['coordinator', `/c/${C}`, null],
      ['volunteer', `/v/${D}`, '3-2'],
      ['resident', `/r/${D}`, '3-2-502'],
      ['merchant', `/m/${M}`, null],
    ]);
  });

  it('shows a coordinator the volunteer area too when they serve stairwells themselves', () => {
    const d = destinationsOf(
      me({
        communities: [
          community({
            roles: ['owner'],
            stairwells: [{ id: 's', building: '1', stairwell: '1', role: 'volunteer' }],
          }),
        ],
      }),
    );
    expect(d.map((x) => x.area)).toEqual(['coordinator', 'volunteer']);
  });

  it('is empty for someone who belongs nowhere yet', () => {
    expect(destinationsOf(me({}))).toEqual([]);
  });
});
