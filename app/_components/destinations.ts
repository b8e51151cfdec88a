import type { Me } from '@/server/services/platform/get-me';
import { ROLE_HOME } from './nav-items';

export type Destination =
  | {
      area: 'coordinator' | 'volunteer' | 'resident';
      href: string;
      communityId: string;
      communityName: string;
      detail: string | null;
    }
  | { area: 'merchant'; href: string; merchantId: string; merchantName: string; detail: string | null };

/**
 * One entry per role a person holds: "coordinator of 钟楼新村", "resident of 钟楼新村 3-2-201", … A
 * coordinator is not listed again as volunteer (the coordinator area covers it) unless they are
 * also assigned to stairwells.
 */
export function destinationsOf(me: Me): Destination[] {
  const out: Destination[] = [];
  for (const c of me.communities) {
    const base = { communityId: c.id, communityName: c.name };
    const coordinator = c.roles.includes('owner') || c.roles.includes('admin');
    if (coordinator)
      out.push({ area: 'coordinator', href: ROLE_HOME.coordinator(c.id), ...base, detail: null });
    if (c.roles.includes('volunteer') || (coordinator && c.stairwells.length > 0)) {
      const detail = c.stairwells.map((s) => `${s.building}-${s.stairwell}`).join(', ') || null;
      out.push({ area: 'volunteer', href: ROLE_HOME.volunteer(c.id), ...base, detail });
    }
    if (c.roles.includes('resident')) {
      const h = c.household;
      out.push({
        area: 'resident',
        href: ROLE_HOME.resident(c.id),
        ...base,
        detail: h ? `${h.building}-${h.stairwell}-${h.room}` : null,
      });
    }
  }
  for (const m of me.merchants) {
    out.push({
      area: 'merchant',
      href: ROLE_HOME.merchant(m.id),
      merchantId: m.id,
      merchantName: m.displayName || m.legalName,
      detail: null,
    });
  }
  return out;
}
