/**
 * The compound roster: buildings → stairwells → households, residents, the team and its stairwell
 * assignments (一楼一组), the care registry, and roster import. Each procedure checks the role;
 * each service verb checks the scope (a volunteer's stairwells, a resident's household).
 */
import { z } from 'zod';
import { addResident } from '@/server/services/roster/add-resident';
import { assignStairwell } from '@/server/services/roster/assign-stairwell';
import { commitRosterImport } from '@/server/services/roster/commit-roster-import';
import { createBuilding } from '@/server/services/roster/create-building';
import { createHousehold } from '@/server/services/roster/create-household';
import { createStairwell } from '@/server/services/roster/create-stairwell';
import { deleteCareProfile } from '@/server/services/roster/delete-care-profile';
import { getCareProfile } from '@/server/services/roster/get-care-profile';
import { getHousehold } from '@/server/services/roster/get-household';
import { getMyHousehold } from '@/server/services/roster/get-my-household';
import { getRosterOverview } from '@/server/services/roster/get-roster-overview';
import { grantMembership } from '@/server/services/roster/grant-membership';
import { listAssignments } from '@/server/services/roster/list-assignments';
import { listCareProfiles } from '@/server/services/roster/list-care-profiles';
import { listHouseholds } from '@/server/services/roster/list-households';
import { listMembers } from '@/server/services/roster/list-members';
import { listMyStairwells } from '@/server/services/roster/list-my-stairwells';
import { previewRosterImport } from '@/server/services/roster/preview-roster-import';
import { removeResident } from '@/server/services/roster/remove-resident';
import { revokeMembership } from '@/server/services/roster/revoke-membership';
import { MAX_ROSTER_FILE_BYTES } from '@/server/services/roster/roster-file';
import { CARE_CATEGORIES, LIMITS } from '@/server/services/roster/rules';
import { saveCareProfile } from '@/server/services/roster/save-care-profile';
import { searchRoster } from '@/server/services/roster/search-roster';
import { unassignStairwell } from '@/server/services/roster/unassign-stairwell';
import { updateBuilding } from '@/server/services/roster/update-building';
import { updateHousehold } from '@/server/services/roster/update-household';
import { updateStairwell } from '@/server/services/roster/update-stairwell';
import {
  communityProcedure,
  coordinatorProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '../trpc';

const Id = z.uuid();
const Number16 = z.string().trim().min(1).max(LIMITS.numberLength);
const RouteOrder = z.number().int().min(1).max(100_000);
const Phone = z.string().trim().min(3).max(32);
const Name = z.string().trim().max(LIMITS.nameLength);
const StaffRole = z.enum(['volunteer', 'admin', 'owner']);
const AssignmentRole = z.enum(['leader', 'volunteer']);
const CareCategory = z.enum(CARE_CATEGORIES);
const Floor = z.number().int().min(LIMITS.minFloor).max(LIMITS.maxFloor);
const Headcount = z.number().int().min(1).max(LIMITS.maxHeadcount);

export const SearchRosterInput = z.object({
  query: z.string().max(100),
  limit: z.number().int().min(1).max(200).optional(),
});
export type SearchRosterInput = z.infer<typeof SearchRosterInput>;
export const StairwellRef = z.object({ stairwellId: Id });
export type StairwellRef = z.infer<typeof StairwellRef>;
export const HouseholdRef = z.object({ householdId: Id });
export type HouseholdRef = z.infer<typeof HouseholdRef>;
export const CareRegistryInput = z.object({ category: CareCategory.optional(), stairwellId: Id.optional() });
export type CareRegistryInput = z.infer<typeof CareRegistryInput>;
export const MembersInput = z.object({ role: StaffRole.optional() });
export type MembersInput = z.infer<typeof MembersInput>;
export const CreateBuildingInput = z.object({ number: Number16, routeOrder: RouteOrder.optional() });
export type CreateBuildingInput = z.infer<typeof CreateBuildingInput>;
export const UpdateBuildingInput = z.object({
  buildingId: Id,
  number: Number16.optional(),
  routeOrder: RouteOrder.optional(),
});
export type UpdateBuildingInput = z.infer<typeof UpdateBuildingInput>;
export const CreateStairwellInput = z.object({
  buildingId: Id,
  number: Number16,
  routeOrder: RouteOrder.optional(),
});
export type CreateStairwellInput = z.infer<typeof CreateStairwellInput>;
export const UpdateStairwellInput = z.object({
  stairwellId: Id,
  number: Number16.optional(),
  routeOrder: RouteOrder.optional(),
});
export type UpdateStairwellInput = z.infer<typeof UpdateStairwellInput>;
export const CreateHouseholdInput = z.object({
  stairwellId: Id,
  room: z.string().trim().min(1).max(LIMITS.roomLength),
  floor: Floor.optional(),
  headcount: Headcount,
});
export type CreateHouseholdInput = z.infer<typeof CreateHouseholdInput>;
export const UpdateHouseholdInput = z.object({
  householdId: Id,
  room: z.string().trim().min(1).max(LIMITS.roomLength).optional(),
  floor: Floor.optional(),
  headcount: Headcount.optional(),
});
export type UpdateHouseholdInput = z.infer<typeof UpdateHouseholdInput>;
export const AddResidentInput = z.object({
  householdId: Id,
  phone: Phone.optional().or(z.literal('')),
  name: Name.optional(),
});
export type AddResidentInput = z.infer<typeof AddResidentInput>;
export const RemoveResidentInput = z.object({ householdId: Id, userId: Id });
export type RemoveResidentInput = z.infer<typeof RemoveResidentInput>;
export const GrantMembershipInput = z.object({ phone: Phone, name: Name.optional(), role: StaffRole });
export type GrantMembershipInput = z.infer<typeof GrantMembershipInput>;
export const RevokeMembershipInput = z.object({ userId: Id, role: StaffRole });
export type RevokeMembershipInput = z.infer<typeof RevokeMembershipInput>;
export const AssignStairwellInput = z
  .object({
    stairwellId: Id,
    role: AssignmentRole,
    phone: Phone.optional(),
    userId: Id.optional(),
    name: Name.optional(),
  })
  .refine((v) => v.phone || v.userId, { message: '请填写手机号 / Enter a phone number.', path: ['phone'] });
export type AssignStairwellInput = z.infer<typeof AssignStairwellInput>;
export const UnassignStairwellInput = z.object({ assignmentId: Id });
export type UnassignStairwellInput = z.infer<typeof UnassignStairwellInput>;
export const SaveCareProfileInput = z.object({
  householdId: Id,
  categories: z.array(CareCategory).min(1).max(CARE_CATEGORIES.length),
  notes: z.string().max(LIMITS.notesLength).optional(),
  doorDelivery: z.boolean().optional(),
});
export type SaveCareProfileInput = z.infer<typeof SaveCareProfileInput>;
/** base64 grows a file by 4/3; the service checks the decoded size again. */
export const RosterFileInput = z.object({
  fileName: z.string().trim().min(1).max(200),
  fileBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_ROSTER_FILE_BYTES * 4) / 3) + 256),
});
export type RosterFileInput = z.infer<typeof RosterFileInput>;
export const CommitRosterImportInput = RosterFileInput.extend({
  expectedSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  expectedSummary: z
    .object({
      householdsToCreate: z.number().int(),
      residentsToAdd: z.number().int(),
      stairwellsToCreate: z.number().int(),
      buildingsToCreate: z.number().int(),
    })
    .partial()
    .optional(),
});
export type CommitRosterImportInput = z.infer<typeof CommitRosterImportInput>;

export const rosterRouter = router({
  // ---- reads
  search: coordinatorProcedure
    .input(SearchRosterInput)
    .query(({ ctx, input }) => searchRoster({ ctx, input })),
  overview: coordinatorProcedure.query(({ ctx, input }) => getRosterOverview({ ctx, input })),
  stairwellHouseholds: volunteerProcedure
    .input(StairwellRef)
    .query(({ ctx, input }) => listHouseholds({ ctx, input })),
  household: communityProcedure()
    .input(HouseholdRef)
    .query(({ ctx, input }) => getHousehold({ ctx, input })),
  myStairwells: volunteerProcedure.query(({ ctx, input }) => listMyStairwells({ ctx, input })),
  myHousehold: residentProcedure.query(({ ctx, input }) => getMyHousehold({ ctx, input })),
  careProfiles: volunteerProcedure
    .input(CareRegistryInput)
    .query(({ ctx, input }) => listCareProfiles({ ctx, input })),
  careProfile: volunteerProcedure
    .input(HouseholdRef)
    .query(({ ctx, input }) => getCareProfile({ ctx, input })),
  assignments: coordinatorProcedure.query(({ ctx, input }) => listAssignments({ ctx, input })),
  members: coordinatorProcedure.input(MembersInput).query(({ ctx, input }) => listMembers({ ctx, input })),

  // ---- places
  createBuilding: coordinatorProcedure
    .input(CreateBuildingInput)
    .mutation(({ ctx, input }) => createBuilding({ ctx, input })),
  updateBuilding: coordinatorProcedure
    .input(UpdateBuildingInput)
    .mutation(({ ctx, input }) => updateBuilding({ ctx, input })),
  createStairwell: coordinatorProcedure
    .input(CreateStairwellInput)
    .mutation(({ ctx, input }) => createStairwell({ ctx, input })),
  updateStairwell: coordinatorProcedure
    .input(UpdateStairwellInput)
    .mutation(({ ctx, input }) => updateStairwell({ ctx, input })),
  createHousehold: coordinatorProcedure
    .input(CreateHouseholdInput)
    .mutation(({ ctx, input }) => createHousehold({ ctx, input })),
  updateHousehold: coordinatorProcedure
    .input(UpdateHouseholdInput)
    .mutation(({ ctx, input }) => updateHousehold({ ctx, input })),

  // ---- people
  addResident: coordinatorProcedure
    .input(AddResidentInput)
    .mutation(({ ctx, input }) => addResident({ ctx, input })),
  removeResident: coordinatorProcedure
    .input(RemoveResidentInput)
    .mutation(({ ctx, input }) => removeResident({ ctx, input })),
  grantMembership: coordinatorProcedure
    .input(GrantMembershipInput)
    .mutation(({ ctx, input }) => grantMembership({ ctx, input })),
  revokeMembership: coordinatorProcedure
    .input(RevokeMembershipInput)
    .mutation(({ ctx, input }) => revokeMembership({ ctx, input })),
  assignStairwell: coordinatorProcedure
    .input(AssignStairwellInput)
    .mutation(({ ctx, input }) => assignStairwell({ ctx, input })),
  unassignStairwell: coordinatorProcedure
    .input(UnassignStairwellInput)
    .mutation(({ ctx, input }) => unassignStairwell({ ctx, input })),

  // ---- care registry
  saveCareProfile: coordinatorProcedure
    .input(SaveCareProfileInput)
    .mutation(({ ctx, input }) => saveCareProfile({ ctx, input })),
  deleteCareProfile: coordinatorProcedure
    .input(HouseholdRef)
    .mutation(({ ctx, input }) => deleteCareProfile({ ctx, input })),

  // ---- import (mutations: the file travels in the POST body, never in a GET URL)
  previewImport: coordinatorProcedure
    .input(RosterFileInput)
    .mutation(({ ctx, input }) => previewRosterImport({ ctx, input })),
  commitImport: coordinatorProcedure
    .input(CommitRosterImportInput)
    .mutation(({ ctx, input }) => commitRosterImport({ ctx, input })),
});
