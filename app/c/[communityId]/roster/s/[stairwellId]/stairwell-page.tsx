'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { LIMITS } from '@/server/services/roster/constants';
import {
  HouseholdCard,
  Loading,
  MutationError,
  PhoneLink,
  QueryError,
} from '@/app/c/[communityId]/roster/_components/parts';

/** One stairwell: its team, its households (in floor order), and forms to add a household or move it in the route. */
export function StairwellPage({ communityId, stairwellId }: { communityId: string; stairwellId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const data = useQuery(trpc.roster.stairwellHouseholds.queryOptions({ communityId, stairwellId }));
  const [adding, setAdding] = useState(false);
  if (data.isPending)
    return (
      <main>
        <Loading />
      </main>
    );
  if (data.isError)
    return (
      <main>
        <QueryError error={data.error} retry={() => void data.refetch()} />
      </main>
    );
  const { stairwell, team, households } = data.data;
  return (
    <main data-page="roster-stairwell">
      <p>
        <Link className="roster-link-button" href={`/c/${communityId}/roster`}>
          ← {t('back')}
        </Link>
      </p>
      <h1>{t('stairwellName', { building: stairwell.buildingNumber, stairwell: stairwell.number })}</h1>
      <p className="muted">
        {t('households', { count: households.length })} · {t('stairwell.routeOrder')} {stairwell.routeOrder}
      </p>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>{t('stairwell.team')}</h2>
        {team.length === 0 ? (
          <p className="roster-chip gap">{t('stairwell.noTeam')}</p>
        ) : (
          <ul className="roster-team">
            {team.map((m) => (
              <li key={m.assignmentId}>
                <span className={`roster-role ${m.role}`}>{t(`roles.${m.role}`)}</span>
                <span>{m.name}</span>
                {m.phone && <PhoneLink name={m.name} phone={m.phone} />}
              </li>
            ))}
          </ul>
        )}
        <Link className="roster-link-button" href={`/c/${communityId}/assignments`}>
          {t('assignments.title')} →
        </Link>
      </section>

      <div className="roster-actions">
        <button type="button" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>
          {t('stairwell.addHousehold')}
        </button>
      </div>
      {adding && (
        <AddHousehold communityId={communityId} stairwellId={stairwellId} onDone={() => setAdding(false)} />
      )}

      {households.length === 0 ? (
        <p className="card">{t('stairwell.empty')}</p>
      ) : (
        <ul className="roster-list">
          {households.map((h) => (
            <li key={h.id}>
              <HouseholdCard household={h} href={`/c/${communityId}/roster/h/${h.id}`} />
            </li>
          ))}
        </ul>
      )}

      <EditStairwell
        communityId={communityId}
        stairwellId={stairwellId}
        number={stairwell.number}
        routeOrder={stairwell.routeOrder}
      />
    </main>
  );
}

function AddHousehold({
  communityId,
  stairwellId,
  onDone,
}: {
  communityId: string;
  stairwellId: string;
  onDone: () => void;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [room, setRoom] = useState('');
  const [floor, setFloor] = useState('');
  const [headcount, setHeadcount] = useState('1');
  const create = useMutation(
    trpc.roster.createHousehold.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
        onDone();
      },
    }),
  );
  return (
    <form
      className="card roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({
          communityId,
          stairwellId,
          room,
          floor: floor.trim() === '' ? undefined : Number(floor),
          headcount: Number(headcount),
        });
      }}
    >
      <label htmlFor={`${id}-room`}>{t('stairwell.room')}</label>
      <input
        id={`${id}-room`}
        value={room}
        onChange={(e) => setRoom(e.target.value)}
        required
        maxLength={LIMITS.roomLength}
      />
      <label htmlFor={`${id}-floor`}>{t('stairwell.floorLabel')}</label>
      <input
        id={`${id}-floor`}
        type="number"
        inputMode="numeric"
        min={LIMITS.minFloor}
        max={LIMITS.maxFloor}
        value={floor}
        onChange={(e) => setFloor(e.target.value)}
        aria-describedby={`${id}-floor-hint`}
      />
      <p id={`${id}-floor-hint`} className="roster-hint muted">
        {t('stairwell.floorHint')}
      </p>
      <label htmlFor={`${id}-head`}>{t('stairwell.headcountLabel')}</label>
      <input
        id={`${id}-head`}
        type="number"
        inputMode="numeric"
        min={1}
        max={LIMITS.maxHeadcount}
        value={headcount}
        onChange={(e) => setHeadcount(e.target.value)}
        required
      />
      <MutationError error={create.error} />
      <div className="roster-actions">
        <button type="submit" className="primary" disabled={create.isPending || !room.trim()}>
          {create.isPending ? t('saving') : t('stairwell.addHousehold')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function EditStairwell({
  communityId,
  stairwellId,
  number,
  routeOrder,
}: {
  communityId: string;
  stairwellId: string;
  number: string;
  routeOrder: number;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [nextNumber, setNextNumber] = useState(number);
  const [position, setPosition] = useState(String(routeOrder));
  const update = useMutation(
    trpc.roster.updateStairwell.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() }),
    }),
  );
  return (
    <details className="card">
      <summary style={{ minHeight: 48, display: 'flex', alignItems: 'center', cursor: 'pointer' }}>
        {t('edit')}
      </summary>
      <form
        className="roster-form"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ communityId, stairwellId, number: nextNumber, routeOrder: Number(position) });
        }}
      >
        <label htmlFor={`${id}-n`}>{t('stairwell.renumber')}</label>
        <input
          id={`${id}-n`}
          value={nextNumber}
          onChange={(e) => setNextNumber(e.target.value)}
          maxLength={16}
          required
        />
        <label htmlFor={`${id}-r`}>{t('stairwell.routeOrderLabel')}</label>
        <input
          id={`${id}-r`}
          type="number"
          inputMode="numeric"
          min={1}
          value={position}
          onChange={(e) => setPosition(e.target.value)}
          required
        />
        <MutationError error={update.error} />
        {update.isSuccess && <p className="roster-ok">{t('saved')}</p>}
        <div className="roster-actions">
          <button type="submit" className="primary" disabled={update.isPending}>
            {update.isPending ? t('saving') : t('save')}
          </button>
        </div>
      </form>
    </details>
  );
}
