/**
 * The demo compounds, planned in memory (no database): every row the seed inserts, with stable ids.
 * Pure and deterministic: the same plan on every machine, so the tests can count it exactly.
 */
import type {
  buildings,
  careProfiles,
  communities,
  households,
  memberships,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';
import { PhoneBook, personName, pickSurname, type Generation } from './names';
import { demoId, type Prng } from './random';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];
export type CareCategory = Insert<typeof careProfiles>['categories'][number];

/** Who lives in a household: each kind of home the compound has, by who lives there. */
const HOUSEHOLD_KINDS = {
  elderlyAlone: ['elder'],
  singleAdult: ['adult'],
  elderlyCouple: ['elder', 'elder'],
  couple: ['adult', 'adult'],
  elderWithGrownChild: ['elder', 'adult'],
  family3: ['adult', 'adult', 'child'],
  threeGen4: ['elder', 'adult', 'adult', 'child'],
  threeGen5: ['elder', 'elder', 'adult', 'adult', 'child'],
  coupleWithGrownChild: ['adult', 'adult', 'young'],
} as const satisfies Record<string, readonly Member[]>;
type Member = 'elder' | 'adult' | 'young' | 'child';
export type HouseholdKind = keyof typeof HOUSEHOLD_KINDS;

/**
 * Birth years. People aged 60+ are born in 1961 or earlier and everyone else in 1972 or later, so
 * "aged 60+" counts the same 670 people whether it is reckoned in 2022 (the article) or any year
 * up to 2031: the figure the tests and the dashboard show does not drift with the clock.
 */
export const ELDERLY_BORN_BY = 1961;
export const ADULTS_BORN_FROM = 1972;
const BIRTH_YEARS: Record<Member | 'infant', [number, number]> = {
  elder: [1934, ELDERLY_BORN_BY],
  adult: [ADULTS_BORN_FROM, 1994],
  young: [1996, 2005],
  child: [2008, 2024],
  infant: [2025, 2025],
};
const GENERATION: Record<Member, Generation> = {
  elder: 'elder',
  adult: 'adult',
  young: 'young',
  child: 'young',
};

export type BuildingSpec = { number: string; stairwells: number; floors: number };

export type CompoundSpec = {
  key: string;
  slug: string;
  name: string;
  district: string;
  buildings: BuildingSpec[];
  /** Exact number of households of each kind; they are shuffled over the rooms. */
  kinds: Record<HouseholdKind, number>;
  /** Care registry rates: share of qualifying households (infant: share of children under one). */
  care: {
    noSmartphone: number;
    chronic: number;
    disability: number;
    infant: number;
    pregnant: number;
    other: number;
  };
  /** Volunteers without a stairwell (gate, disinfection). */
  gateVolunteers: number;
  coordinators: { owner: string; admins: string[] };
};

/**
 * 钟楼新村 as the article describes it: 135 stairwells, 1,506 households, 3,400+ residents of whom
 * 670 are 60 or older. 30 walk-up buildings of 4 or 5 stairwells, 5 or 6 floors, two flats per
 * landing (x01, x02): 78 six-floor stairwells × 12 + 57 five-floor stairwells × 10 = 1,506.
 */
// prettier-ignore
const ZHONGLOU_BUILDINGS: [number, number][] = [
  [5, 6], [4, 6], [5, 6], [4, 5], [5, 6], [4, 6], [5, 5], [4, 6], [5, 6], [4, 5],
  [5, 6], [4, 6], [5, 5], [4, 5], [5, 6], [4, 6], [5, 6], [4, 5], [5, 5], [4, 6],
  [5, 6], [4, 5], [5, 5], [4, 6], [5, 6], [4, 5], [5, 5], [4, 5], [5, 6], [4, 5],
];

export const ZHONGLOU: CompoundSpec = {
  key: 'zhonglou',
  slug: 'zhonglou',
  name: '钟楼新村',
  district: '金山区朱泾镇',
  buildings: ZHONGLOU_BUILDINGS.map(([s, f], i) => ({ number: String(i + 1), stairwells: s, floors: f })),
  // 1,506 households, 3,418 people, 670 of them 60+ (96 + 2×170 + 70 + 84 + 2×40).
  kinds: {
    elderlyAlone: 96,
    singleAdult: 216,
    elderlyCouple: 170,
    couple: 400,
    elderWithGrownChild: 70,
    family3: 380,
    threeGen4: 84,
    threeGen5: 40,
    coupleWithGrownChild: 50,
  },
  care: { noSmartphone: 0.22, chronic: 0.16, disability: 0.017, infant: 0.06, pregnant: 0.012, other: 0.004 },
  gateVolunteers: 8,
  coordinators: { owner: '何红霞', admins: ['孙钦', '顾敏华', '陆佳'] },
};

/** A small neighbouring compound, so refusals across compounds can be seen in the demo. */
export const DONGYUAN: CompoundSpec = {
  key: 'dongyuan',
  slug: 'dongyuan',
  name: '东苑新村',
  district: '金山区朱泾镇',
  buildings: [
    { number: '1', stairwells: 2, floors: 6 },
    { number: '2', stairwells: 2, floors: 6 },
  ],
  kinds: {
    elderlyAlone: 3,
    singleAdult: 7,
    elderlyCouple: 5,
    couple: 13,
    elderWithGrownChild: 2,
    family3: 12,
    threeGen4: 3,
    threeGen5: 1,
    coupleWithGrownChild: 2,
  },
  care: { noSmartphone: 0.3, chronic: 0.16, disability: 0.02, infant: 0.06, pregnant: 0, other: 0 },
  gateVolunteers: 1,
  coordinators: { owner: '周丽萍', admins: ['金晓东'] },
};

/** A person placed by hand (the demo accounts), keyed by building-stairwell-room. */
export type Resident = {
  userId: string;
  name: string;
  phone: string | null;
  birthYear: number;
  member: Member;
};
export type FixedHousehold = { kind: HouseholdKind; people: Omit<Resident, 'member'>[] };

export type CompoundPlan = {
  communityId: string;
  community: Insert<typeof communities>;
  buildings: Insert<typeof buildings>[];
  stairwells: (Insert<typeof stairwells> & { id: string; label: string; buildingNumber: string })[];
  households: (Insert<typeof households> & { id: string; key: string; kind: HouseholdKind })[];
  users: (Insert<typeof users> & { id: string })[];
  memberships: Insert<typeof memberships>[];
  assignments: Insert<typeof stairwellAssignments>[];
  care: Insert<typeof careProfiles>[];
  /** Ids by key, for DemoRefs. */
  stairwellIds: Map<string, string>;
  householdIds: Map<string, string>;
  coordinatorIds: { owner: string; admins: string[] };
  stats: { residents: number; elderly: number; volunteers: number; careHouseholds: number };
};

export type PlanOptions = {
  /** Households given by hand: kind and people (`3-2-201` → the demo resident's family). */
  fixed?: Record<string, FixedHousehold>;
  /** Stairwell assignments given by hand: `3-2` → leader user id, and extra volunteer seats. */
  leaders?: Record<string, string>;
  volunteers?: Record<string, string>;
  /** Coordinators given by hand (the demo owner and admin) instead of generated people. */
  coordinators?: {
    owner?: { id: string; name: string; phone: string };
    admins?: { id: string; name: string; phone: string }[];
  };
  /** Care profiles given by hand. */
  careFixed?: Record<string, { categories: CareCategory[]; notes: string; doorDelivery?: boolean }>;
};

const NOTES: Record<CareCategory, string[]> = {
  elderly_alone: [
    '独居，子女在外地，紧急联系人见纸质登记表。敲门后请稍等，行动较慢。',
    '独居老人，耳背，请多敲几次门并大声说明来意。',
    '独居，每日上午由楼组长电话问候一次。',
  ],
  no_smartphone: [
    '无智能手机，由楼组长代为接龙下单，现金已预存在楼组长处。',
    '只用老人机，看不了群消息，团购信息请上门告知。',
  ],
  chronic_illness: [
    '高血压、糖尿病，需按时配药，配药请联系志愿者统一代办。',
    '慢阻肺，家中有制氧机，避免在门口长时间逗留。',
    '规律透析，每周二、四、六需外出就医，已报备。',
  ],
  disability: ['下肢残疾，轮椅出行，物资请送到门口。', '视力残疾，请按门铃后口头告知物品名称。'],
  infant: ['家有婴儿，需奶粉（1段）和尿不湿，有货请优先告知。', '婴儿不满一岁，送货请勿按门铃，敲门即可。'],
  pregnant: ['孕晚期，需定期外出产检，已向居委报备。'],
  other: ['术后康复中，暂不能提重物，请送到门内。'],
};

/** Builds one compound's rows. `rng` is the compound's own stream, so compounds do not disturb each other. */
export function planCompound(
  spec: CompoundSpec,
  rng: Prng,
  phones: PhoneBook,
  opts: PlanOptions = {},
): CompoundPlan {
  const k = spec.key;
  const communityId = demoId(`community:${k}`);
  const plan: CompoundPlan = {
    communityId,
    community: { id: communityId, slug: spec.slug, name: spec.name, district: spec.district },
    buildings: [],
    stairwells: [],
    households: [],
    users: [],
    memberships: [],
    assignments: [],
    care: [],
    stairwellIds: new Map(),
    householdIds: new Map(),
    coordinatorIds: { owner: '', admins: [] },
    stats: { residents: 0, elderly: 0, volunteers: 0, careHouseholds: 0 },
  };

  // Buildings → stairwells → households, in delivery-route order.
  let route = 0;
  spec.buildings.forEach((b, bi) => {
    const buildingId = demoId(`building:${k}:${b.number}`);
    plan.buildings.push({ id: buildingId, communityId, number: b.number, routeOrder: bi + 1 });
    for (let s = 1; s <= b.stairwells; s++) {
      route += 1;
      const label = `${b.number}-${s}`;
      const stairwellId = demoId(`stairwell:${k}:${label}`);
      plan.stairwellIds.set(label, stairwellId);
      plan.stairwells.push({
        id: stairwellId,
        communityId,
        buildingId,
        number: String(s),
        routeOrder: route,
        label,
        buildingNumber: b.number,
      });
      for (let floor = 1; floor <= b.floors; floor++) {
        for (const flat of ['01', '02']) {
          const room = `${floor}${flat}`;
          const key = `${label}-${room}`;
          const id = demoId(`household:${k}:${key}`);
          plan.householdIds.set(key, id);
          plan.households.push({
            id,
            key,
            communityId,
            stairwellId,
            floor,
            room,
            headcount: 1,
            kind: 'singleAdult',
          });
        }
      }
    }
  });

  // Household kinds: exact counts, shuffled over the rooms, then the hand-placed ones swapped in.
  const kinds: HouseholdKind[] = [];
  for (const [kind, n] of Object.entries(spec.kinds) as [HouseholdKind, number][]) {
    for (let i = 0; i < n; i++) kinds.push(kind);
  }
  if (kinds.length !== plan.households.length) {
    throw new Error(`${spec.name}: ${kinds.length} household kinds for ${plan.households.length} rooms`);
  }
  rng.shuffle(kinds);
  const fixed = opts.fixed ?? {};
  const fixedIdx = new Set(Object.keys(fixed).map((key) => plan.households.findIndex((h) => h.key === key)));
  for (const [key, f] of Object.entries(fixed)) {
    const i = plan.households.findIndex((h) => h.key === key);
    if (i < 0) throw new Error(`${spec.name}: no household ${key}`);
    if (kinds[i] !== f.kind) {
      const j = kinds.findIndex((kind, idx) => kind === f.kind && !fixedIdx.has(idx));
      if (j < 0) throw new Error(`${spec.name}: no ${f.kind} household left to swap for ${key}`);
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }
  }

  // People. Everyone is a user (the roster lists every person, as the 2022 testing lists did);
  // children have no phone, and some elderly people without a smartphone have none either.
  type Person = Resident & { householdIndex: number };
  const people: Person[] = [];
  const noSmartphoneHomes = new Set<number>();
  plan.households.forEach((h, hi) => {
    const kind = kinds[hi]!;
    h.kind = kind;
    const given = fixed[h.key];
    const members = HOUSEHOLD_KINDS[kind];
    h.headcount = members.length;
    const elderOnly = members.every((m) => m === 'elder');
    const noSmartphone = given
      ? (opts.careFixed?.[h.key]?.categories.includes('no_smartphone') ?? false)
      : elderOnly && rng.chance(spec.care.noSmartphone);
    if (noSmartphone) noSmartphoneHomes.add(hi);
    const familyName = pickSurname(rng);
    members.forEach((member, mi) => {
      const hand = given?.people[mi];
      if (hand) {
        people.push({ ...hand, member, householdIndex: hi });
        return;
      }
      const infant = member === 'child' && rng.chance(spec.care.infant);
      const [from, to] = BIRTH_YEARS[infant ? 'infant' : member];
      const birthYear = rng.int(from, to);
      // A couple's second member usually has another surname; children take the family name.
      const surname = mi === 1 && (member === 'elder' || member === 'adult') ? pickSurname(rng) : familyName;
      const hasPhone =
        member === 'child'
          ? false
          : noSmartphoneHomes.has(hi)
            ? rng.chance(0.4)
            : member === 'elder'
              ? rng.chance(0.9)
              : true;
      const userId = demoId(`user:${k}:${h.key}:${mi}`);
      people.push({
        userId,
        name: personName(rng, surname, GENERATION[member]),
        phone: hasPhone ? phones.next() : null,
        birthYear,
        member,
        householdIndex: hi,
      });
    });
  });

  for (const p of people) {
    const h = plan.households[p.householdIndex]!;
    plan.users.push({ id: p.userId, name: p.name, phone: p.phone, birthYear: p.birthYear, locale: 'zh-CN' });
    plan.memberships.push({
      id: demoId(`membership:${k}:${p.userId}:resident`),
      communityId,
      userId: p.userId,
      role: 'resident',
      householdId: h.id,
    });
    plan.stats.residents += 1;
    if (p.birthYear <= ELDERLY_BORN_BY) plan.stats.elderly += 1;
  }

  // 一楼一组一群: one leader (楼组长) and one volunteer per stairwell, from the people who live there
  // (working-age adults, and the fit "young old" born 1955 or later: the team was 老中青).
  const volunteerIds = new Set<string>();
  const assign = (stairwellId: string, label: string, userId: string, role: 'leader' | 'volunteer') => {
    plan.assignments.push({
      id: demoId(`assignment:${k}:${label}:${role}`),
      communityId,
      stairwellId,
      userId,
      role,
    });
    volunteerIds.add(userId);
  };
  const canServe = (p: Person) =>
    p.phone !== null &&
    (p.member === 'adult' || p.member === 'young' || (p.member === 'elder' && p.birthYear >= 1955));
  const byStairwell = new Map<string, Person[]>();
  for (const p of people) {
    const sw = plan.households[p.householdIndex]!.stairwellId;
    if (!byStairwell.has(sw)) byStairwell.set(sw, []);
    byStairwell.get(sw)!.push(p);
  }
  const handPicked = new Set([...Object.values(opts.leaders ?? {}), ...Object.values(opts.volunteers ?? {})]);
  for (const sw of plan.stairwells) {
    const pool = (byStairwell.get(sw.id) ?? []).filter(
      (p) => canServe(p) && !handPicked.has(p.userId) && !volunteerIds.has(p.userId),
    );
    const takeFromPool = () => {
      if (pool.length === 0) throw new Error(`${spec.name}: nobody to serve stairwell ${sw.label}`);
      return pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!.userId;
    };
    assign(sw.id, sw.label, opts.leaders?.[sw.label] ?? takeFromPool(), 'leader');
    assign(sw.id, sw.label, opts.volunteers?.[sw.label] ?? takeFromPool(), 'volunteer');
  }
  // Gate and disinfection volunteers have no stairwell.
  const rest = people.filter((p) => canServe(p) && !volunteerIds.has(p.userId) && !handPicked.has(p.userId));
  for (let i = 0; i < spec.gateVolunteers; i++) {
    const p = rest.splice(Math.floor(rng.next() * rest.length), 1)[0]!;
    volunteerIds.add(p.userId);
  }
  for (const userId of [...volunteerIds].sort()) {
    plan.memberships.push({
      id: demoId(`membership:${k}:${userId}:volunteer`),
      communityId,
      userId,
      role: 'volunteer',
      householdId: null,
    });
  }
  plan.stats.volunteers = volunteerIds.size;

  // Coordinators: the group owner (群主) and admins (管理员), "1+X+N".
  const coordinator = (
    name: string,
    role: 'owner' | 'admin',
    i: number,
    given?: { id: string; name: string; phone: string },
  ) => {
    const id = given?.id ?? demoId(`user:${k}:${role}:${i}`);
    plan.users.push({
      id,
      name: given?.name ?? name,
      phone: given?.phone ?? phones.next(),
      birthYear: 1975 + i * 4,
      locale: 'zh-CN',
    });
    plan.memberships.push({
      id: demoId(`membership:${k}:${id}:${role}`),
      communityId,
      userId: id,
      role,
      householdId: null,
    });
    return id;
  };
  plan.coordinatorIds.owner = coordinator(spec.coordinators.owner, 'owner', 0, opts.coordinators?.owner);
  plan.coordinatorIds.admins = spec.coordinators.admins.map((name, i) =>
    coordinator(name, 'admin', i + 1, opts.coordinators?.admins?.[i]),
  );
  const recordedBy = plan.coordinatorIds.admins[0] ?? plan.coordinatorIds.owner;

  // 特殊人群信息库: derived from who lives where, plus the chance findings a coordinator records.
  plan.households.forEach((h, hi) => {
    const handCare = opts.careFixed?.[h.key];
    let categories: CareCategory[] = [];
    if (handCare) {
      categories = handCare.categories;
    } else {
      const members = people.filter((p) => p.householdIndex === hi);
      const hasElder = members.some((p) => p.member === 'elder');
      if (h.kind === 'elderlyAlone') categories.push('elderly_alone');
      if (noSmartphoneHomes.has(hi)) categories.push('no_smartphone');
      if (hasElder && rng.chance(spec.care.chronic)) categories.push('chronic_illness');
      if (rng.chance(spec.care.disability)) categories.push('disability');
      if (members.some((p) => p.birthYear >= BIRTH_YEARS.infant[0])) categories.push('infant');
      if ((h.kind === 'couple' || h.kind === 'family3') && rng.chance(spec.care.pregnant))
        categories.push('pregnant');
      if (rng.chance(spec.care.other)) categories.push('other');
    }
    if (categories.length === 0) return;
    const notes = handCare?.notes ?? categories.map((c) => rng.pick(NOTES[c])).join(' ');
    plan.care.push({
      id: demoId(`care:${k}:${h.key}`),
      communityId,
      householdId: h.id,
      categories,
      notes,
      // Infants alone do not need door delivery; everyone else on the list does (代送上门).
      doorDelivery: handCare?.doorDelivery ?? !(categories.length === 1 && categories[0] === 'infant'),
      updatedBy: recordedBy,
    });
  });
  plan.stats.careHouseholds = plan.care.length;
  return plan;
}
