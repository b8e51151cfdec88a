/**
 * Tables that are global rather than per compound. On Citus they become reference tables
 * (replicated to every node); every other table is distributed by `community_id` and must key
 * on `(community_id, id)` with foreign keys that include `community_id`.
 * `tests/unit/schema-distribution.test.ts` holds the schema to this list.
 */
export const REFERENCE_TABLES = [
  'communities',
  'users',
  'otp_challenges',
  'global_audit_log',
  'merchants',
  'merchant_members',
  'health_attestations',
  'merchant_documents',
  'products',
  'stripe_events',
  'auth_sessions',
  'rate_limits',
] as const;
