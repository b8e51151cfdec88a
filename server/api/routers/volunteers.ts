/**
 * Volunteers who sign up and claim tasks (主动认领): residents offer, coordinators accept them
 * into roles and post shifts with slots, volunteers claim, release, check in and out.
 */
import { applyToVolunteer, ApplyToVolunteerInput } from '@/server/services/tasks/apply-to-volunteer';
import { checkTaskShift, CheckTaskShiftInput } from '@/server/services/tasks/check-task-shift';
import { claimTaskSlot, ClaimTaskSlotInput } from '@/server/services/tasks/claim-task-slot';
import { createTask, CreateTaskInput } from '@/server/services/tasks/create-task';
import {
  decideVolunteerApplication,
  DecideVolunteerApplicationInput,
} from '@/server/services/tasks/decide-volunteer-application';
import {
  getMyVolunteerStatus,
  GetMyVolunteerStatusInput,
} from '@/server/services/tasks/get-my-volunteer-status';
import {
  listVolunteerApplications,
  ListVolunteerApplicationsInput,
} from '@/server/services/tasks/list-volunteer-applications';
import { listTasks, ListTasksInput } from '@/server/services/tasks/list-tasks';
import { releaseTaskSlot, ReleaseTaskSlotInput } from '@/server/services/tasks/release-task-slot';
import {
  communityProcedure,
  coordinatorProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '@/server/api/trpc';

export const volunteersRouter = router({
  offer: residentProcedure
    .input(ApplyToVolunteerInput)
    .mutation(({ ctx, input }) => applyToVolunteer({ ctx, input })),
  myStatus: communityProcedure()
    .input(GetMyVolunteerStatusInput)
    .query(({ ctx, input }) => getMyVolunteerStatus({ ctx, input })),
  applications: coordinatorProcedure
    .input(ListVolunteerApplicationsInput)
    .query(({ ctx, input }) => listVolunteerApplications({ ctx, input })),
  decide: coordinatorProcedure
    .input(DecideVolunteerApplicationInput)
    .mutation(({ ctx, input }) => decideVolunteerApplication({ ctx, input })),
  createTask: coordinatorProcedure
    .input(CreateTaskInput)
    .mutation(({ ctx, input }) => createTask({ ctx, input })),
  tasks: volunteerProcedure.input(ListTasksInput).query(({ ctx, input }) => listTasks({ ctx, input })),
  claimSlot: volunteerProcedure
    .input(ClaimTaskSlotInput)
    .mutation(({ ctx, input }) => claimTaskSlot({ ctx, input })),
  releaseSlot: volunteerProcedure
    .input(ReleaseTaskSlotInput)
    .mutation(({ ctx, input }) => releaseTaskSlot({ ctx, input })),
  checkShift: volunteerProcedure
    .input(CheckTaskShiftInput)
    .mutation(({ ctx, input }) => checkTaskShift({ ctx, input })),
});
