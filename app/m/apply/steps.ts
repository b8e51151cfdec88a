/** The wizard's steps, and which step each form field lives on (for "go and fix it" links). */
export const STEPS = [
  'basic',
  'contact',
  'permit',
  'vehicle',
  'licence',
  'health',
  'communities',
  'review',
] as const;
export type Step = (typeof STEPS)[number];

export const FIELD_STEP: Record<string, Step> = {
  legalName: 'basic',
  displayName: 'basic',
  kind: 'basic',
  creditCode: 'basic',
  contactName: 'contact',
  contactPhone: 'contact',
  foodPermitNo: 'permit',
  foodPermitExpiresOn: 'permit',
  'documents.food_permit': 'permit',
  vehiclePlate: 'vehicle',
  driverName: 'vehicle',
  driverPhone: 'vehicle',
  vehiclePassExpiresOn: 'vehicle',
  'documents.vehicle_pass': 'vehicle',
  'documents.business_licence': 'licence',
  'documents.other': 'licence',
  healthAttestations: 'health',
  communityIds: 'communities',
};

export function isStep(s: string | null): s is Step {
  return s !== null && (STEPS as readonly string[]).includes(s);
}
