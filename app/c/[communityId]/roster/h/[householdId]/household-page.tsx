'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { LIMITS } from '@/server/services/roster/constants';
import { CareEditor } from '@/app/c/[communityId]/roster/_components/care-editor';
import {
  CareChips,
  Loading,
  MutationError,
  PhoneLink,
  QueryError,
  useAddress,
} from '@/app/c/[communityId]/roster/_components/parts';

/** One household for a coordinator: details, residents (with phones), the care profile, the stairwell team. */
export function HouseholdPage({ communityId, householdId }: { communityId: string; householdId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const address = useAddress();
  const data = useQuery(trpc.roster.household.queryOptions({ communityId, householdId }));
  const [editing, setEditing] = useState(false);
  const [careOpen, setCareOpen] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
  const remove = useMutation(trpc.roster.removeResident.mutationOptions({ onSuccess: refresh }));
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
  const { household: h, team, access } = data.data;
  const coordinator = access === 'coordinator';

  return (
    <main data-page="roster-household">
      <p>
        <Link className="roster-link-button" href={`/c/${communityId}/roster/s/${h.stairwellId}`}>
          ← {t('stairwellName', { building: h.buildingNumber, stairwell: h.stairwellNumber })}
        </Link>
      </p>
      <h1>{address(h)}</h1>
      <p className="roster-meta">
        {t('floor', { floor: h.floor })} · {t('headcount', { count: h.headcount })}
      </p>
      {coordinator && (
        <button type="button" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
          {t('household.editDetails')}
        </button>
      )}
      {editing && (
        <EditHousehold
          communityId={communityId}
          householdId={householdId}
          room={h.room}
          floor={h.floor}
          headcount={h.headcount}
          onDone={() => setEditing(false)}
        />
      )}

      <section className="card">
        <h2 style={{ marginTop: 0 }}>{t('household.residents')}</h2>
        {h.residents.length === 0 ? (
          <p className="muted">{t('noResidents')}</p>
        ) : (
          <ul className="roster-people">
            {h.residents.map((p) => (
              <li key={p.userId} className="roster-person">
                <span className="roster-person-name">{p.name}</span>
                {p.phone ? (
                  <PhoneLink name={p.name} phone={p.phone} />
                ) : (
                  !p.hasPhone && <span className="muted">{t('noPhone')}</span>
                )}
                {coordinator && (
                  <button
                    type="button"
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(t('household.removeConfirm', { name: p.name }))) {
                        remove.mutate({ communityId, householdId, userId: p.userId });
                      }
                    }}
                  >
                    {t('remove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <MutationError error={remove.error} />
        {coordinator && <AddResident communityId={communityId} householdId={householdId} />}
      </section>

      {h.care !== undefined && (
        <section className="card">
          <h2 style={{ marginTop: 0 }}>{t('care.profile')}</h2>
          {careOpen && coordinator ? (
            <CareEditor
              communityId={communityId}
              householdId={householdId}
              care={h.care ?? null}
              onDone={() => setCareOpen(false)}
            />
          ) : h.care ? (
            <>
              <CareChips care={h.care} showNotes />
              {coordinator && (
                <p>
                  <button type="button" onClick={() => setCareOpen(true)}>
                    {t('edit')}
                  </button>
                </p>
              )}
            </>
          ) : (
            <>
              <p className="muted">{t('care.none')}</p>
              {coordinator && (
                <button type="button" onClick={() => setCareOpen(true)}>
                  {t('care.addThis')}
                </button>
              )}
            </>
          )}
        </section>
      )}

      <section className="card">
        <h2 style={{ marginTop: 0 }}>{t('household.team')}</h2>
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
      </section>
    </main>
  );
}

function AddResident({ communityId, householdId }: { communityId: string; householdId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const add = useMutation(
    trpc.roster.addResident.mutationOptions({
      onSuccess: async () => {
        setPhone('');
        setName('');
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
      },
    }),
  );
  return (
    <details>
      <summary
        style={{ minHeight: 48, display: 'flex', alignItems: 'center', cursor: 'pointer', fontWeight: 600 }}
      >
        {t('household.addResident')}
      </summary>
      <form
        className="roster-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({
            communityId,
            householdId,
            phone: phone.trim() || undefined,
            name: name.trim() || undefined,
          });
        }}
      >
        <label htmlFor={`${id}-phone`}>{t('household.phone')}</label>
        <input
          id={`${id}-phone`}
          type="tel"
          inputMode="tel"
          autoComplete="off"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          aria-describedby={`${id}-phone-hint`}
          maxLength={32}
        />
        <p id={`${id}-phone-hint`} className="roster-hint muted">
          {t('household.phoneHint')}
        </p>
        <label htmlFor={`${id}-name`}>{t('household.name')}</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={LIMITS.nameLength}
          aria-describedby={`${id}-name-hint`}
        />
        <p id={`${id}-name-hint`} className="roster-hint muted">
          {t('household.nameHint')}
        </p>
        <MutationError error={add.error} />
        {add.isSuccess && (
          <p className="roster-ok" role="status">
            {add.data.nameKept
              ? t('household.nameKept', { name: add.data.person.name })
              : t('household.added', { name: add.data.person.name })}
          </p>
        )}
        <div className="roster-actions">
          <button
            type="submit"
            className="primary"
            disabled={add.isPending || (!phone.trim() && !name.trim())}
          >
            {add.isPending ? t('saving') : t('household.addResident')}
          </button>
        </div>
      </form>
    </details>
  );
}

function EditHousehold(props: {
  communityId: string;
  householdId: string;
  room: string;
  floor: number;
  headcount: number;
  onDone: () => void;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [room, setRoom] = useState(props.room);
  const [floor, setFloor] = useState(String(props.floor));
  const [headcount, setHeadcount] = useState(String(props.headcount));
  const update = useMutation(
    trpc.roster.updateHousehold.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
        props.onDone();
      },
    }),
  );
  return (
    <form
      className="card roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({
          communityId: props.communityId,
          householdId: props.householdId,
          room,
          floor: Number(floor),
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
        value={floor}
        onChange={(e) => setFloor(e.target.value)}
        required
      />
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
      <MutationError error={update.error} />
      <div className="roster-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? t('saving') : t('save')}
        </button>
        <button type="button" onClick={props.onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
