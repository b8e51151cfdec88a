'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useId, useMemo, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { LIMITS } from '@/server/services/roster/constants';
import type { StairwellAssignmentRow } from '@/server/services/roster/list-assignments';
import {
  Loading,
  MutationError,
  PagedList,
  PhoneLink,
  QueryError,
} from '@/app/c/[communityId]/roster/_components/parts';

/** 一楼一组: every stairwell with its leader and volunteers; the understaffed ones first and marked. */
export function AssignmentsPage({ communityId }: { communityId: string }) {
  const t = useTranslations('roster.assignments');
  const trpc = useTRPC();
  const board = useQuery(trpc.roster.assignments.queryOptions({ communityId }));
  const [onlyGaps, setOnlyGaps] = useState<boolean | null>(null);
  const [building, setBuilding] = useState('');
  const buildingId = useId();

  const buildings = useMemo(
    () => [...new Set(board.data?.stairwells.map((s) => s.buildingNumber) ?? [])],
    [board.data],
  );
  if (board.isPending)
    return (
      <main>
        <Loading />
      </main>
    );
  if (board.isError)
    return (
      <main>
        <QueryError error={board.error} retry={() => void board.refetch()} />
      </main>
    );
  const { stairwells, summary } = board.data;
  const gapsOnly = onlyGaps ?? summary.complete < summary.stairwells;
  const shown = stairwells.filter(
    (s) => (!gapsOnly || !s.coverage.complete) && (!building || s.buildingNumber === building),
  );

  return (
    <main data-page="assignments">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <div className={`roster-notice ${summary.complete === summary.stairwells ? 'ok' : 'warn'}`}>
        <p style={{ margin: 0, fontWeight: 700 }}>
          {t('summary', { complete: summary.complete, total: summary.stairwells })}
        </p>
        {summary.complete === summary.stairwells ? (
          <p style={{ margin: 0 }}>{t('allCovered')}</p>
        ) : (
          <p style={{ margin: 0 }}>
            {summary.withoutLeader > 0 && t('withoutLeader', { count: summary.withoutLeader })}
            {summary.withoutLeader > 0 && summary.withoutVolunteer > 0 && ' · '}
            {summary.withoutVolunteer > 0 && t('withoutVolunteer', { count: summary.withoutVolunteer })}
          </p>
        )}
      </div>
      <div className="roster-filters">
        <button type="button" aria-pressed={gapsOnly} onClick={() => setOnlyGaps(true)}>
          {t('onlyGaps')}
        </button>
        <button type="button" aria-pressed={!gapsOnly} onClick={() => setOnlyGaps(false)}>
          {t('all')}
        </button>
        <label htmlFor={buildingId} className="visually-hidden">
          {t('filterBuilding')}
        </label>
        <select
          id={buildingId}
          value={building}
          onChange={(e) => setBuilding(e.target.value)}
          style={{ width: 'auto' }}
        >
          <option value="">{t('anyBuilding')}</option>
          {buildings.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <p className="card">{t('noneMatch')}</p>
      ) : (
        <PagedList
          key={`${gapsOnly}-${building}`}
          items={shown}
          render={(s) => (
            <li key={s.id}>
              <StairwellCard communityId={communityId} stairwell={s} />
            </li>
          )}
        />
      )}
    </main>
  );
}

function StairwellCard({
  communityId,
  stairwell: s,
}: {
  communityId: string;
  stairwell: StairwellAssignmentRow;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [assigning, setAssigning] = useState(false);
  const unassign = useMutation(
    trpc.roster.unassignStairwell.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() }),
    }),
  );
  const name = t('stairwellName', { building: s.buildingNumber, stairwell: s.number });
  return (
    <div className={`card roster-stairwell-card${s.coverage.complete ? '' : ' gap'}`} data-stairwell={s.id}>
      <div className="roster-section-title">
        <h3>{name}</h3>
        <span className="muted">{t('assignments.households', { count: s.households })}</span>
      </div>
      <ul className="roster-chips">
        {s.coverage.complete && <li className="roster-chip ok">{t('assignments.complete')}</li>}
        {!s.coverage.hasLeader && <li className="roster-chip gap">{t('assignments.missingLeader')}</li>}
        {s.coverage.volunteers === 0 && (
          <li className="roster-chip gap">{t('assignments.missingVolunteer')}</li>
        )}
      </ul>
      {s.team.length > 0 && (
        <ul className="roster-team">
          {s.team.map((m) => (
            <li key={m.assignmentId}>
              <span className={`roster-role ${m.role}`}>{t(`roles.${m.role}`)}</span>
              <span>{m.name}</span>
              {m.phone && <PhoneLink name={m.name} phone={m.phone} />}
              <button
                type="button"
                disabled={unassign.isPending}
                onClick={() => {
                  if (window.confirm(t('assignments.unassignConfirm', { name: m.name }))) {
                    unassign.mutate({ communityId, assignmentId: m.assignmentId });
                  }
                }}
              >
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <MutationError error={unassign.error} />
      {assigning ? (
        <AssignForm
          communityId={communityId}
          stairwellId={s.id}
          title={t('assignments.assignTitle', { stairwell: name })}
          defaultRole={s.coverage.hasLeader ? 'volunteer' : 'leader'}
          onDone={() => setAssigning(false)}
        />
      ) : (
        <button
          type="button"
          className={s.coverage.complete ? undefined : 'primary'}
          onClick={() => setAssigning(true)}
        >
          {t('assignments.assign')}
        </button>
      )}
    </div>
  );
}

function AssignForm(props: {
  communityId: string;
  stairwellId: string;
  title: string;
  defaultRole: 'leader' | 'volunteer';
  onDone: () => void;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState(props.defaultRole);
  const assign = useMutation(
    trpc.roster.assignStairwell.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
        props.onDone();
      },
    }),
  );
  return (
    <form
      className="roster-form"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
        assign.mutate({
          communityId: props.communityId,
          stairwellId: props.stairwellId,
          phone,
          name: name.trim() || undefined,
          role,
        });
      }}
    >
      <h4 style={{ margin: '8px 0 0' }}>{props.title}</h4>
      <label htmlFor={`${id}-phone`}>{t('assignments.phone')}</label>
      <input
        id={`${id}-phone`}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        value={phone}
        onChange={(e) => setPhone(e.target.value)}
        required
        maxLength={32}
      />
      <label htmlFor={`${id}-name`}>{t('assignments.name')}</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={LIMITS.nameLength}
      />
      <label htmlFor={`${id}-role`}>{t('assignments.role')}</label>
      <select
        id={`${id}-role`}
        value={role}
        onChange={(e) => setRole(e.target.value as 'leader' | 'volunteer')}
      >
        <option value="leader">{t('roles.leader')}</option>
        <option value="volunteer">{t('roles.volunteer')}</option>
      </select>
      <MutationError error={assign.error} />
      <div className="roster-actions">
        <button type="submit" className="primary" disabled={assign.isPending || !phone.trim()}>
          {assign.isPending ? t('saving') : t('assignments.assign')}
        </button>
        <button type="button" onClick={props.onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
