/** Roster constants the UI shares with the services (kept free of heavy imports for the browser). */
export const CARE_CATEGORIES = [
  'elderly_alone',
  'disability',
  'chronic_illness',
  'infant',
  'no_smartphone',
  'pregnant',
  'other',
] as const;
export type CareCategory = (typeof CARE_CATEGORIES)[number];

export const LIMITS = {
  numberLength: 16,
  roomLength: 16,
  nameLength: 50,
  notesLength: 2000,
  minFloor: -5,
  maxFloor: 200,
  maxHeadcount: 30,
  importRows: 20_000,
} as const;
