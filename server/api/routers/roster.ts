/**
 * The compound roster: buildings → stairwells → households, residents, the team and its stairwell
 * assignments (一楼一组), the care registry, and roster import. Each procedure checks the role;
 * each service verb checks the scope (a volunteer's stairwells, a resident's household).
 */
import { AddResidentInput, addResident } from '@/server/services/roster/add-resident';
import { AssignStairwellInput, assignStairwell } from '@/server/services/roster/assign-stairwell';
import { CommitRosterImportInput, commitRosterImport } from '@/server/services/roster/commit-roster-import';
import { CreateBuildingInput, createBuilding } from '@/server/services/roster/create-building';
import { CreateHouseholdInput, createHousehold } from '@/server/services/roster/create-household';
import { CreateStairwellInput, createStairwell } from '@/server/services/roster/create-stairwell';
import { DeleteCareProfileInput, deleteCareProfile } from '@/server/services/roster/delete-care-profile';
import { GetCareProfileInput, getCareProfile } from '@/server/services/roster/get-care-profile';
import { GetHouseholdInput, getHousehold } from '@/server/services/roster/get-household';
import { GetMyHouseholdInput, getMyHousehold } from '@/server/services/roster/get-my-household';
import { GetRosterOverviewInput, getRosterOverview } from '@/server/services/roster/get-roster-overview';
import { GrantMembershipInput, grantMembership } from '@/server/services/roster/grant-membership';
import { ListAssignmentsInput, listAssignments } from '@/server/services/roster/list-assignments';
import { ListCareProfilesInput, listCareProfiles } from '@/server/services/roster/list-care-profiles';
import { ListHouseholdsInput, listHouseholds } from '@/server/services/roster/list-households';
import { ListMembersInput, listMembers } from '@/server/services/roster/list-members';
import { ListMyStairwellsInput, listMyStairwells } from '@/server/services/roster/list-my-stairwells';
import {
  PreviewRosterImportInput,
  previewRosterImport,
} from '@/server/services/roster/preview-roster-import';
import { RemoveResidentInput, removeResident } from '@/server/services/roster/remove-resident';
import { RevokeMembershipInput, revokeMembership } from '@/server/services/roster/revoke-membership';
import { SaveCareProfileInput, saveCareProfile } from '@/server/services/roster/save-care-profile';
import { SearchRosterInput, searchRoster } from '@/server/services/roster/search-roster';
import { UnassignStairwellInput, unassignStairwell } from '@/server/services/roster/unassign-stairwell';
import { UpdateBuildingInput, updateBuilding } from '@/server/services/roster/update-building';
import { UpdateHouseholdInput, updateHousehold } from '@/server/services/roster/update-household';
import { UpdateStairwellInput, updateStairwell } from '@/server/services/roster/update-stairwell';
import {
  communityProcedure,
  coordinatorProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '@/server/api/trpc';

export const rosterRouter = router({
  // ---- reads
  search: coordinatorProcedure
    .input(SearchRosterInput)
    .query(({ ctx, input }) => searchRoster({ ctx, input })),
  overview: coordinatorProcedure
    .input(GetRosterOverviewInput)
    .query(({ ctx, input }) => getRosterOverview({ ctx, input })),
  stairwellHouseholds: volunteerProcedure
    .input(ListHouseholdsInput)
    .query(({ ctx, input }) => listHouseholds({ ctx, input })),
  household: communityProcedure()
    .input(GetHouseholdInput)
    .query(({ ctx, input }) => getHousehold({ ctx, input })),
  myStairwells: volunteerProcedure
    .input(ListMyStairwellsInput)
    .query(({ ctx, input }) => listMyStairwells({ ctx, input })),
  myHousehold: residentProcedure
    .input(GetMyHouseholdInput)
    .query(({ ctx, input }) => getMyHousehold({ ctx, input })),
  careProfiles: volunteerProcedure
    .input(ListCareProfilesInput)
    .query(({ ctx, input }) => listCareProfiles({ ctx, input })),
  careProfile: volunteerProcedure
    .input(GetCareProfileInput)
    .query(({ ctx, input }) => getCareProfile({ ctx, input })),
  assignments: coordinatorProcedure
    .input(ListAssignmentsInput)
    .query(({ ctx, input }) => listAssignments({ ctx, input })),
  members: coordinatorProcedure
    .input(ListMembersInput)
    .query(({ ctx, input }) => listMembers({ ctx, input })),

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
    .input(DeleteCareProfileInput)
    .mutation(({ ctx, input }) => deleteCareProfile({ ctx, input })),

  // ---- import (mutations: the file travels in the POST body, never in a GET URL)
  previewImport: coordinatorProcedure
    .input(PreviewRosterImportInput)
    .mutation(({ ctx, input }) => previewRosterImport({ ctx, input })),
  commitImport: coordinatorProcedure
    .input(CommitRosterImportInput)
    .mutation(({ ctx, input }) => commitRosterImport({ ctx, input })),
});
