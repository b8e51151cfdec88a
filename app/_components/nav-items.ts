import type { IconName } from './icons';

/**
 * The bottom navigation of each role's area, in order. ONE place: add your page with one line.
 * - `href`: path pattern; `[communityId]` and `[merchantId]` are filled in from the URL
 *   (`/c/[communityId]/roster`, `/m/[merchantId]/catalog`).
 * - `label`: a full message key (`<namespace>.<path>`), so each domain labels its own items.
 * - `icon`: a name from app/_components/icons.tsx.
 * - `exact`: highlight only on that exact path (role homes), instead of the whole subtree.
 * A phone shows the first four items and a "more" button for the rest, so put the daily ones first.
 */
export type NavRole = 'coordinator' | 'volunteer' | 'resident' | 'merchant';
export type NavItem = { href: string; label: string; icon: IconName; exact?: boolean };

export const NAV_ITEMS: Record<NavRole, NavItem[]> = {
  coordinator: [
    { href: '/c/[communityId]', label: 'shell.nav.dashboard', icon: 'dashboard', exact: true },
    { href: '/c/[communityId]/roster', label: 'shell.nav.roster', icon: 'people' },
    { href: '/c/[communityId]/assignments', label: 'shell.nav.assignments', icon: 'assign' },
    { href: '/c/[communityId]/care', label: 'shell.nav.care', icon: 'care' },
    { href: '/c/[communityId]/notices', label: 'care.nav.notices', icon: 'bell' },
    { href: '/c/[communityId]/needs', label: 'care.nav.needs', icon: 'list' },
    { href: '/c/[communityId]/volunteers', label: 'care.nav.volunteers', icon: 'people' },
    { href: '/c/[communityId]/admissions', label: 'merchant.nav.admissions', icon: 'shield' },
    { href: '/c/[communityId]/board', label: 'distribution.nav.board', icon: 'chart' },
    { href: '/c/[communityId]/relays', label: 'relay.nav.coordinatorRelays', icon: 'cart' },
    { href: '/c/[communityId]/health', label: 'health.nav.health', icon: 'shield' },
  ],
  volunteer: [
    { href: '/v/[communityId]', label: 'shell.nav.volunteerHome', icon: 'home', exact: true },
    { href: '/v/[communityId]/bags', label: 'picklist.nav.bags', icon: 'box' },
    { href: '/v/[communityId]/checkoff', label: 'distribution.nav.checkoff', icon: 'qr' },
    { href: '/v/[communityId]/gate', label: 'distribution.nav.gate', icon: 'spray' },
    { href: '/v/[communityId]/order-for', label: 'relay.nav.orderFor', icon: 'cart' },
    { href: '/v/[communityId]/health', label: 'health.nav.health', icon: 'shield' },
    { href: '/v/[communityId]/notices', label: 'care.nav.notices', icon: 'bell' },
    { href: '/v/[communityId]/needs', label: 'care.nav.needs', icon: 'care' },
    { href: '/v/[communityId]/tasks', label: 'care.nav.tasks', icon: 'list' },
  ],
  resident: [
    { href: '/r/[communityId]', label: 'shell.nav.residentHome', icon: 'home', exact: true },
    { href: '/r/[communityId]/relays', label: 'relay.nav.relays', icon: 'cart' },
    { href: '/r/[communityId]/orders', label: 'relay.nav.orders', icon: 'list' },
    { href: '/r/[communityId]/bag', label: 'distribution.nav.bag', icon: 'box' },
    { href: '/r/[communityId]/health', label: 'health.nav.health', icon: 'shield' },
  ],
  merchant: [
    { href: '/m/[merchantId]', label: 'shell.nav.merchantHome', icon: 'store', exact: true },
    { href: '/m/[merchantId]/relays', label: 'relay.nav.merchantRelays', icon: 'cart' },
    { href: '/m/[merchantId]/catalog', label: 'merchant.nav.catalog', icon: 'box' },
    { href: '/m/[merchantId]/team', label: 'merchant.nav.team', icon: 'people' },
  ],
};

/** The URL prefix of each role's area. */
export const ROLE_HOME: Record<NavRole, (id: string) => string> = {
  coordinator: (communityId) => `/c/${communityId}`,
  volunteer: (communityId) => `/v/${communityId}`,
  resident: (communityId) => `/r/${communityId}`,
  merchant: (merchantId) => `/m/${merchantId}`,
};
